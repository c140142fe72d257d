using System.Numerics;

namespace IdentityEhr.Ethereum.Contracts.Erc1056;

/// <summary><c>DIDDelegateChanged(identity, delegateType, delegate, validTo, previousChange)</c>; a revocation sets validTo to the block time.</summary>
public sealed record DelegateChanged : Erc1056Event
{
    /// <summary>Creates the event.</summary>
    /// <param name="blockNumber">The block.</param>
    /// <param name="blockTime">The block's timestamp.</param>
    /// <param name="previousChange">The previous change's block.</param>
    /// <param name="delegateType">The delegate type as text (the bytes32 up to its first NUL), for example <c>veriKey</c>.</param>
    /// <param name="delegate">The delegate's address.</param>
    /// <param name="validTo">Unix seconds until which the delegate is valid.</param>
    public DelegateChanged(ulong blockNumber, DateTimeOffset blockTime, BigInteger previousChange, string delegateType, Address @delegate, BigInteger validTo)
        : base(blockNumber, blockTime, previousChange)
    {
        DelegateType = delegateType;
        Delegate = @delegate;
        ValidTo = validTo;
    }

    /// <summary>Gets the delegate type.</summary>
    public string DelegateType { get; }

    /// <summary>Gets the delegate.</summary>
    public Address Delegate { get; }

    /// <summary>Gets the end of validity in Unix seconds.</summary>
    public BigInteger ValidTo { get; }
}
