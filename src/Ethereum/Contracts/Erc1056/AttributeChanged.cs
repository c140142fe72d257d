using System.Numerics;

namespace IdentityEhr.Ethereum.Contracts.Erc1056;

/// <summary><c>DIDAttributeChanged(identity, name, value, validTo, previousChange)</c>; a revocation has validTo 0.</summary>
public sealed record AttributeChanged : Erc1056Event
{
    private readonly byte[] _value;

    /// <summary>Creates the event.</summary>
    /// <param name="blockNumber">The block.</param>
    /// <param name="blockTime">The block's timestamp.</param>
    /// <param name="previousChange">The previous change's block.</param>
    /// <param name="name">The attribute name as text (the bytes32 up to its first NUL), for example <c>did/pub/Ed25519/veriKey/base64</c>.</param>
    /// <param name="value">The attribute value bytes.</param>
    /// <param name="validTo">Unix seconds until which the attribute is valid.</param>
    public AttributeChanged(ulong blockNumber, DateTimeOffset blockTime, BigInteger previousChange, string name, ReadOnlySpan<byte> value, BigInteger validTo)
        : base(blockNumber, blockTime, previousChange)
    {
        Name = name;
        _value = value.ToArray();
        ValidTo = validTo;
    }

    /// <summary>Gets the attribute name.</summary>
    public string Name { get; }

    /// <summary>Gets the value bytes.</summary>
    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Gets the end of validity in Unix seconds.</summary>
    public BigInteger ValidTo { get; }
}
