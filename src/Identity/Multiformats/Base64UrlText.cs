using System.Buffers.Text;

namespace IdentityEhr.Identity.Multiformats;

/// <summary>Strict base64url without padding (RFC 4648 §5), as JOSE and multibase <c>u</c> use it.</summary>
public static class Base64UrlText
{
    /// <summary>Encodes bytes as base64url without padding.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The text.</returns>
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Decodes base64url text; refuses padding, whitespace, other alphabets and non-zero trailing bits.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The bytes when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is strict base64url; otherwise <see langword="false"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        try
        {
            if (!Base64Url.TryDecodeFromChars(text, buffer, out var decoded))
            {
                return false;
            }

            bytes = decoded == buffer.Length ? buffer : buffer[..decoded];
        }
        catch (FormatException)
        {
            // Despite its name, TryDecodeFromChars throws on some malformed input (seen: non-zero trailing bits).
            return false;
        }

        // Canonical form only: re-encoding must give the same text (rejects set padding bits, a second spelling of the same bytes).
        return Base64Url.EncodeToString(bytes).AsSpan().SequenceEqual(text);
    }
}
