using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace IdentityEhr.Identity.Multiformats;

/// <summary>
/// A content identifier for stored bytes: CIDv1 with the <c>raw</c> codec (0x55) and a sha2-256 multihash, written in multibase
/// base32 (lowercase RFC 4648 without padding, prefix <c>b</c>), the form that starts <c>bafkrei</c>.
/// </summary>
/// <remarks>
/// Only this one form is read: other CID versions, codecs, hashes or bases are refused, so one blob has one identifier and an
/// identifier always says how to check the bytes it names (<see cref="Matches"/>).
/// </remarks>
public readonly record struct ContentId
{
    /// <summary>The length of the text: <c>b</c> and 58 base32 digits for the 36 bytes.</summary>
    public const int TextLength = 59;

    private const byte Version = 0x01;
    private const byte RawCodec = 0x55;
    private const byte Sha256Code = 0x12;
    private const byte Sha256Length = 32;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private ContentId(string text) => Text = text;

    /// <summary>Gets the CID as text.</summary>
    public string Text { get; }

    /// <summary>Computes the CID of some bytes.</summary>
    /// <param name="content">The bytes.</param>
    /// <returns>Their CID.</returns>
    public static ContentId Of(ReadOnlySpan<byte> content)
    {
        Span<byte> binary = stackalloc byte[4 + Sha256Length];
        binary[0] = Version;
        binary[1] = RawCodec;
        binary[2] = Sha256Code;
        binary[3] = Sha256Length;
        SHA256.HashData(content, binary[4..]);
        return new ContentId("b" + Base32(binary));
    }

    /// <summary>Parses a CID of this form, in its one canonical spelling.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cid">The CID, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the text is a CIDv1 raw sha2-256 in lowercase base32.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ContentId cid)
    {
        cid = default;
        if (text is not { Length: TextLength } || text[0] != 'b')
        {
            return false;
        }

        Span<byte> binary = stackalloc byte[4 + Sha256Length];
        ulong buffer = 0;
        var bits = 0;
        var written = 0;
        foreach (var c in text.AsSpan(1))
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | (uint)value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                binary[written++] = (byte)(buffer >> bits);
            }
        }

        // 58 digits carry 290 bits for 288: the 2 left over must be zero, or two texts would name one CID.
        if (written != binary.Length || (buffer & ((1UL << bits) - 1)) != 0
            || binary[0] != Version || binary[1] != RawCodec || binary[2] != Sha256Code || binary[3] != Sha256Length)
        {
            return false;
        }

        cid = new ContentId(text);
        return true;
    }

    /// <summary>Whether <paramref name="content"/> is the content this CID names.</summary>
    /// <param name="content">The bytes.</param>
    /// <returns><see langword="true"/> when their sha2-256 digest is the CID's.</returns>
    public bool Matches(ReadOnlySpan<byte> content) => Text is not null && Of(content).Text == Text;

    /// <inheritdoc/>
    public override string ToString() => Text ?? string.Empty;

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[((bytes.Length * 8) + 4) / 5];
        ulong buffer = 0;
        var bits = 0;
        var written = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[written++] = Alphabet[(int)((buffer >> bits) & 31)];
            }
        }

        if (bits > 0)
        {
            chars[written++] = Alphabet[(int)((buffer << (5 - bits)) & 31)];
        }

        return new string(chars, 0, written);
    }
}
