namespace IdentityEhr.Identity.Multiformats;

/// <summary>Multicodec headers: the codec as an unsigned LEB128 varint in front of the data.</summary>
/// <remarks>multiformats/unsigned-varint: minimal encoding only, at most 9 bytes; a two-byte header is the usual mistake (0x1200 → 80 24).</remarks>
public static class Multicodec
{
    /// <summary>The longest varint accepted, in bytes (63 bits of value).</summary>
    public const int MaxVarintBytes = 9;

    /// <summary>Writes <paramref name="codec"/> as a varint followed by <paramref name="data"/>.</summary>
    /// <param name="codec">The codec.</param>
    /// <param name="data">The data after the header.</param>
    /// <returns>The header and data.</returns>
    public static byte[] Prefix(ulong codec, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[10];
        var length = 0;
        var value = codec;
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            header[length++] = value == 0 ? b : (byte)(b | 0x80);
        }
        while (value != 0);

        var result = new byte[length + data.Length];
        header[..length].CopyTo(result);
        data.CopyTo(result.AsSpan(length));
        return result;
    }

    /// <summary>Reads the varint header.</summary>
    /// <param name="bytes">The header and data.</param>
    /// <param name="codec">The codec when the header is valid.</param>
    /// <param name="headerLength">The header's length in bytes.</param>
    /// <returns><see langword="true"/> when the header is a minimal varint of at most 9 bytes; otherwise <see langword="false"/>.</returns>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, out ulong codec, out int headerLength)
    {
        codec = 0;
        headerLength = 0;
        for (var i = 0; i < bytes.Length && i < MaxVarintBytes; i++)
        {
            var b = bytes[i];
            codec |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                // A last byte of zero (other than a lone 0x00) means the same value had a shorter encoding.
                if (b == 0 && i > 0)
                {
                    return false;
                }

                headerLength = i + 1;
                return true;
            }
        }

        return false;
    }
}
