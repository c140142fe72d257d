using SimpleBase;

namespace IdentityEhr.Identity.Multiformats;

/// <summary>Multibase text: a one-character prefix naming the base, then the encoded bytes.</summary>
/// <remarks>Multibase (draft-multiformats-multibase): <c>z</c> = base58btc (the Bitcoin alphabet), <c>u</c> = base64url without padding.</remarks>
public static class Multibase
{
    /// <summary>The prefix of base58btc.</summary>
    public const char Base58Btc = 'z';

    /// <summary>The prefix of base64url without padding.</summary>
    public const char Base64Url = 'u';

    /// <summary>The longest multibase text this service decodes; longer input is refused before any work is done.</summary>
    public const int MaxTextLength = 8192;

    private static readonly System.Buffers.SearchValues<char> s_base58Alphabet =
        System.Buffers.SearchValues.Create("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    /// <summary>Encodes bytes as base58btc multibase (<c>z…</c>).</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The multibase text.</returns>
    public static string EncodeBase58Btc(ReadOnlySpan<byte> bytes) => Base58Btc + Base58.Bitcoin.Encode(bytes);

    /// <summary>Decodes base58btc (<c>z</c>) or base64url (<c>u</c>) multibase text.</summary>
    /// <param name="text">The multibase text.</param>
    /// <param name="bytes">The decoded bytes when decoding succeeds.</param>
    /// <param name="unsupportedBase"><see langword="true"/> when the prefix names a base that is not supported.</param>
    /// <returns><see langword="true"/> when the text decodes; otherwise <see langword="false"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes, out bool unsupportedBase)
    {
        bytes = [];
        unsupportedBase = false;
        if (text.Length < 2 || text.Length > MaxTextLength)
        {
            return false;
        }

        switch (text[0])
        {
            case Base58Btc:
                return TryDecodeBase58(text[1..], out bytes);
            case Base64Url:
                return Base64UrlText.TryDecode(text[1..], out bytes);
            default:
                unsupportedBase = true;
                return false;
        }
    }

    /// <summary>Decodes base58btc digits (the Bitcoin alphabet, no prefix).</summary>
    /// <param name="digits">The digits.</param>
    /// <param name="bytes">The bytes when the digits are valid.</param>
    /// <returns><see langword="true"/> when every character is in the alphabet; otherwise <see langword="false"/>.</returns>
    public static bool TryDecodeBase58(ReadOnlySpan<char> digits, out byte[] bytes)
    {
        bytes = [];

        // Check the alphabet first: SimpleBase's TryDecode throws IndexOutOfRangeException on some non-ASCII characters.
        if (digits.IsEmpty || digits.Length > MaxTextLength || digits.ContainsAnyExcept(s_base58Alphabet))
        {
            return false;
        }

        var buffer = new byte[Base58.Bitcoin.GetSafeByteCountForDecoding(digits)];
        if (!Base58.Bitcoin.TryDecode(digits, buffer, out var written))
        {
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }
}
