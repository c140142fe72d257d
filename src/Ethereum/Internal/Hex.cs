using System.Globalization;
using System.Numerics;

namespace IdentityEhr.Ethereum.Internal;

/// <summary>Hexadecimal helpers for the JSON-RPC wire format (data and quantities).</summary>
internal static class Hex
{
    public static bool IsHexDigits(ReadOnlySpan<char> digits)
    {
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lowercase <c>0x</c>-prefixed data.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Decodes data digits (without the prefix); the caller has checked they are hex digits.</summary>
    public static byte[] Decode(ReadOnlySpan<char> digits) => Convert.FromHexString(digits);

    /// <summary>Decodes <c>0x</c>-prefixed data of even length, as the JSON-RPC "DATA" type requires.</summary>
    public static bool TryDecodeData(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal) || text.Length % 2 != 0
            || !IsHexDigits(text.AsSpan(2)))
        {
            return false;
        }

        bytes = Convert.FromHexString(text.AsSpan(2));
        return true;
    }

    /// <summary>Encodes a JSON-RPC "QUANTITY": <c>0x</c> and the shortest hex digits (<c>0x0</c> for zero).</summary>
    public static string EncodeQuantity(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Encodes a non-negative JSON-RPC "QUANTITY" of any size.</summary>
    public static string EncodeBigQuantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A quantity is never negative.");
        }

        return value.IsZero ? "0x0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
    }

    /// <summary>Decodes a JSON-RPC "QUANTITY" that fits in 64 bits; rejects leading zeros as the spec does.</summary>
    public static bool TryDecodeQuantity(string? text, out ulong value)
    {
        value = 0;
        if (text is null || text.Length < 3 || !text.StartsWith("0x", StringComparison.Ordinal)
            || (text.Length > 3 && text[2] == '0') || text.Length > 18)
        {
            return false;
        }

        return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Decodes a JSON-RPC "QUANTITY" of up to 256 bits.</summary>
    public static bool TryDecodeBigQuantity(string? text, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (text is null || text.Length < 3 || !text.StartsWith("0x", StringComparison.Ordinal)
            || (text.Length > 3 && text[2] == '0') || text.Length > 66 || !IsHexDigits(text.AsSpan(2)))
        {
            return false;
        }

        // A leading "0" keeps BigInteger from reading the top bit as a sign.
        value = BigInteger.Parse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }
}
