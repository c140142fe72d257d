using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.Status;

/// <summary>
/// The bitstring of a Bitstring Status List (v1.0 §3.1): entry <c>i</c> is the <c>statusSize</c> bits starting at bit
/// <c>i × statusSize</c>, and bit 0 is the most significant bit of byte 0. Immutable: <see cref="With"/> returns a copy.
/// </summary>
public sealed class Bitstring
{
    /// <summary>The fewest entries a list may have (§3.1: 16 KB of bits), so that one entry does not single out a holder.</summary>
    public const int MinimumEntries = 131_072;

    /// <summary>The largest expanded list accepted: 16 MiB, 134 million one-bit entries.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>The longest <c>encodedList</c> accepted.</summary>
    public const int MaxEncodedLength = 4 * 1024 * 1024;

    private readonly byte[] _bytes;

    private Bitstring(byte[] bytes, int statusSize)
    {
        _bytes = bytes;
        StatusSize = statusSize;
    }

    /// <summary>Gets the number of bits per entry.</summary>
    public int StatusSize { get; }

    /// <summary>Gets the number of entries.</summary>
    public long Length => (long)_bytes.Length * 8 / StatusSize;

    /// <summary>Gets the expanded bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Creates a list with every entry 0.</summary>
    /// <param name="entries">The number of entries; at least <see cref="MinimumEntries"/>.</param>
    /// <param name="statusSize">Bits per entry, 1 to 8.</param>
    /// <returns>The list.</returns>
    public static Bitstring Create(int entries = MinimumEntries, int statusSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, MinimumEntries);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusSize, 8);
        var bytes = checked((long)entries * statusSize + 7) / 8;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, MaxBytes, nameof(entries));
        return new Bitstring(new byte[bytes], statusSize);
    }

    /// <summary>Decodes an <c>encodedList</c>: multibase <c>u</c>, base64url without padding, GZIP.</summary>
    /// <param name="encodedList">The text.</param>
    /// <param name="statusSize">Bits per entry, 1 to 8.</param>
    /// <param name="bitstring">The list.</param>
    /// <param name="error">Why it was refused.</param>
    /// <returns>Whether the list decoded.</returns>
    public static bool TryDecode(string? encodedList, int statusSize, [NotNullWhen(true)] out Bitstring? bitstring, out StatusListError error)
    {
        bitstring = null;
        if (statusSize is < 1 or > 8 || encodedList is null || encodedList.Length < 2 || encodedList[0] != Multibase.Base64Url)
        {
            error = StatusListError.MalformedValue;
            return false;
        }

        if (encodedList.Length > MaxEncodedLength)
        {
            error = StatusListError.TooLarge;
            return false;
        }

        if (!Base64UrlText.TryDecode(encodedList.AsSpan(1), out var compressed))
        {
            error = StatusListError.MalformedValue;
            return false;
        }

        error = TryGunzip(compressed, out var bytes);
        if (error != StatusListError.None)
        {
            return false;
        }

        if ((long)bytes.Length * 8 / statusSize < MinimumEntries)
        {
            error = StatusListError.TooShort;
            return false;
        }

        bitstring = new Bitstring(bytes, statusSize);
        return true;
    }

    /// <summary>Encodes the list as an <c>encodedList</c>.</summary>
    /// <returns>Multibase <c>u</c> + base64url (no padding) of the GZIP of the bytes.</returns>
    public string Encode()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(_bytes);
        }

        return Multibase.Base64Url + Base64UrlText.Encode(output.ToArray());
    }

    /// <summary>Reads the status of an entry.</summary>
    /// <param name="index">The entry index.</param>
    /// <returns>The status value, 0 to 2^statusSize − 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the list.</exception>
    public int Get(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        var value = 0;
        for (var bit = index * StatusSize; bit < (index + 1) * StatusSize; bit++)
        {
            value = (value << 1) | ((_bytes[bit >> 3] >> (7 - (int)(bit & 7))) & 1);
        }

        return value;
    }

    /// <summary>Returns a copy with one entry set.</summary>
    /// <param name="index">The entry index.</param>
    /// <param name="status">The new status, 0 to 2^statusSize − 1.</param>
    /// <returns>The new list.</returns>
    public Bitstring With(long index, int status)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        ArgumentOutOfRangeException.ThrowIfNegative(status);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(status, 1 << StatusSize);
        var bytes = (byte[])_bytes.Clone();
        for (var i = 0; i < StatusSize; i++)
        {
            var bit = (index * StatusSize) + i;
            var mask = (byte)(1 << (7 - (int)(bit & 7)));
            var on = ((status >> (StatusSize - 1 - i)) & 1) == 1;
            bytes[bit >> 3] = on ? (byte)(bytes[bit >> 3] | mask) : (byte)(bytes[bit >> 3] & ~mask);
        }

        return new Bitstring(bytes, StatusSize);
    }

    private static StatusListError TryGunzip(byte[] compressed, out byte[] bytes)
    {
        bytes = [];
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                // Stop at the limit instead of expanding a bomb in full.
                if (output.Length + read > MaxBytes)
                {
                    return StatusListError.TooLarge;
                }

                output.Write(buffer, 0, read);
            }

            bytes = output.ToArray();
            return StatusListError.None;
        }
        catch (InvalidDataException)
        {
            return StatusListError.MalformedValue;
        }
    }
}
