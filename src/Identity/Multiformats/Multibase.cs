namespace IdentityEhr.Identity.Multiformats;

/// <summary>Multibase text: a one-character prefix naming the base, then the encoded bytes.</summary>
/// <remarks>Multibase (draft-multiformats-multibase): <c>z</c> = base58btc (the Bitcoin alphabet), <c>u</c> = base64url without padding.</remarks>
public static class Multibase
{
    /// <summary>The prefix of base58btc.</summary>
    public const char Base58BtcPrefix = 'z';

    /// <summary>The prefix of base64url without padding.</summary>
    public const char Base64Url = 'u';

    /// <summary>The longest multibase text this service decodes; longer input is refused before any work is done.</summary>
    public const int MaxTextLength = 8192;

    /// <summary>Encodes bytes as base58btc multibase (<c>z…</c>).</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The multibase text.</returns>
    public static string EncodeBase58Btc(ReadOnlySpan<byte> bytes) => Base58BtcPrefix + Base58Btc.Encode(bytes);

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
            case Base58BtcPrefix:
                return TryDecodeBase58(text[1..], out bytes);
            case Base64Url:
                return Base64UrlText.TryDecode(text[1..], out bytes);
            default:
                unsupportedBase = true;
                return false;
        }
    }

    /// <summary>Decodes base58btc digits (the Bitcoin alphabet, no prefix), at most <see cref="MaxTextLength"/> of them.</summary>
    /// <param name="digits">The digits.</param>
    /// <param name="bytes">The bytes when the digits are valid.</param>
    /// <returns><see langword="true"/> when every character is in the alphabet; otherwise <see langword="false"/>.</returns>
    public static bool TryDecodeBase58(ReadOnlySpan<char> digits, out byte[] bytes)
    {
        bytes = [];
        return !digits.IsEmpty && digits.Length <= MaxTextLength && Base58Btc.TryDecode(digits, out bytes);
    }
}
