using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of <c>bytes</c>, or of <c>bytes&lt;M&gt;</c> when it holds exactly M bytes.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Formal Specification of the Encoding": <c>bytes&lt;M&gt;</c> is right-padded to a word;
/// <c>bytes</c> is its length, then the bytes right-padded to whole words.</remarks>
public sealed class AbiBytes : AbiValue
{
    private readonly byte[] _value;

    /// <summary>Creates a byte-string value from a copy of <paramref name="value"/>.</summary>
    /// <param name="value">The bytes.</param>
    public AbiBytes(ReadOnlySpan<byte> value) => _value = value.ToArray();

    private AbiBytes(byte[] owned, bool _) => _value = owned;

    /// <summary>Gets the bytes.</summary>
    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Gets the number of bytes.</summary>
    public int Length => _value.Length;

    /// <summary>Returns a copy of the bytes.</summary>
    /// <returns>A new array.</returns>
    public byte[] ToArray() => (byte[])_value.Clone();

    /// <inheritdoc/>
    public override bool Equals(AbiValue? other) => other is AbiBytes bytes && bytes._value.AsSpan().SequenceEqual(_value);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_value);
        return hash.ToHashCode();
    }

    /// <summary>Returns the bytes as lowercase <c>0x</c> hexadecimal.</summary>
    /// <returns>The hexadecimal text.</returns>
    public override string ToString() => Hex.Encode(_value);

    /// <summary>Wraps an array that nobody else holds, without copying it.</summary>
    internal static AbiBytes Own(byte[] owned) => new(owned, false);
}
