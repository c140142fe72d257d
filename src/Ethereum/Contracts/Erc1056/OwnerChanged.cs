using System.Numerics;

namespace IdentityEhr.Ethereum.Contracts.Erc1056;

/// <summary><c>DIDOwnerChanged(identity, owner, previousChange)</c>: the identity's controller changed; owner 0x0 deactivates it.</summary>
public sealed record OwnerChanged : Erc1056Event
{
    /// <summary>Creates the event.</summary>
    /// <param name="blockNumber">The block.</param>
    /// <param name="blockTime">The block's timestamp.</param>
    /// <param name="previousChange">The previous change's block.</param>
    /// <param name="owner">The new owner.</param>
    public OwnerChanged(ulong blockNumber, DateTimeOffset blockTime, BigInteger previousChange, Address owner)
        : base(blockNumber, blockTime, previousChange) => Owner = owner;

    /// <summary>Gets the new owner.</summary>
    public Address Owner { get; }
}
