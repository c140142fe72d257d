using System.Buffers;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>The one spelling of hex this library reads: lowercase digits, so one value has one text.</summary>
internal static class LowerHex
{
    private static readonly SearchValues<char> s_digits = SearchValues.Create("0123456789abcdef");

    /// <summary>Whether a text is exactly <paramref name="digits"/> lowercase hex digits.</summary>
    /// <param name="text">The text.</param>
    /// <param name="digits">The number of digits required.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool Is(ReadOnlySpan<char> text, int digits) => text.Length == digits && !text.ContainsAnyExcept(s_digits);

    /// <summary>Whether a text is <c>0x</c> and exactly <paramref name="digits"/> lowercase hex digits, as JSON-RPC writes hashes.</summary>
    /// <param name="text">The text.</param>
    /// <param name="digits">The number of digits after the prefix.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsPrefixed(ReadOnlySpan<char> text, int digits) => text.StartsWith("0x", StringComparison.Ordinal) && Is(text[2..], digits);
}
