using System.Numerics;

namespace IdentityEhr.Ethereum.Contracts.Erc1056;

/// <summary>One event of the ERC-1056 registry about an identity, with the block it happened in.</summary>
/// <remarks>EthereumDIDRegistry (ERC-1056): <c>DIDOwnerChanged</c>, <c>DIDDelegateChanged</c>, <c>DIDAttributeChanged</c>.</remarks>
public abstract record Erc1056Event
{
    private protected Erc1056Event(ulong blockNumber, DateTimeOffset blockTime, BigInteger previousChange)
    {
        BlockNumber = blockNumber;
        BlockTime = blockTime;
        PreviousChange = previousChange;
    }

    /// <summary>Gets the block the event is in.</summary>
    public ulong BlockNumber { get; }

    /// <summary>Gets the block's timestamp.</summary>
    public DateTimeOffset BlockTime { get; }

    /// <summary>Gets the block of the identity's change before this one (0 for the first).</summary>
    public BigInteger PreviousChange { get; }
}
