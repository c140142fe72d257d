using System.Text;
using System.Text.Json;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of <c>string</c>: text that is encoded as UTF-8.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Formal Specification of the Encoding": encoded as <c>bytes</c> of its UTF-8 form.</remarks>
public sealed class AbiString : AbiValue
{
    private readonly byte[] _utf8;

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The text; it must be well-formed UTF-16 so that it has a UTF-8 form.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> has an unpaired surrogate.</exception>
    public AbiString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsWellFormed(value))
        {
            throw new ArgumentException("The text has an unpaired surrogate, so it has no UTF-8 form.", nameof(value));
        }

        Value = value;
        _utf8 = Encoding.UTF8.GetBytes(value);
    }

    private AbiString(string value, byte[] utf8)
    {
        Value = value;
        _utf8 = utf8;
    }

    /// <summary>Gets the text.</summary>
    public string Value { get; }

    /// <summary>Gets the UTF-8 bytes that the encoding holds.</summary>
    internal ReadOnlySpan<byte> Utf8 => _utf8;

    /// <inheritdoc/>
    public override bool Equals(AbiValue? other) => other is AbiString text && string.Equals(text.Value, Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the text as a JSON string literal, so that control characters stay visible.</summary>
    /// <returns>The quoted text.</returns>
    public override string ToString() => JsonSerializer.Serialize(Value);

    /// <summary>Creates a value from UTF-8 that the caller has validated, keeping the array.</summary>
    internal static AbiString FromValidUtf8(byte[] utf8) => new(Encoding.UTF8.GetString(utf8), utf8);

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
