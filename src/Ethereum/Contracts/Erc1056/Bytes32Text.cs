using System.Text;

namespace IdentityEhr.Ethereum.Contracts.Erc1056;

/// <summary>ERC-1056 names and delegate types: UTF-8 text right-padded with NUL bytes into a bytes32.</summary>
public static class Bytes32Text
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes text as a bytes32.</summary>
    /// <param name="text">The text, at most 32 bytes of UTF-8.</param>
    /// <returns>The 32 bytes.</returns>
    /// <exception cref="ArgumentException">The text is longer than 32 bytes in UTF-8.</exception>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[32];
        if (s_strict.GetByteCount(text) > 32)
        {
            throw new ArgumentException("An ERC-1056 name or type is at most 32 bytes of UTF-8.", nameof(text));
        }

        s_strict.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>Decodes a bytes32: UTF-8 up to the first NUL.</summary>
    /// <param name="bytes32">The 32 bytes.</param>
    /// <returns>The text, or <see langword="null"/> when the bytes are not valid UTF-8 (such events are followed, not applied).</returns>
    public static string? Decode(ReadOnlySpan<byte> bytes32)
    {
        var end = bytes32.IndexOf((byte)0);
        try
        {
            return s_strict.GetString(end < 0 ? bytes32 : bytes32[..end]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
