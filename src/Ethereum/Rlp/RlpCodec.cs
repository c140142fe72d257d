using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace IdentityEhr.Ethereum.Rlp;

/// <summary>Encodes RLP items and decodes untrusted RLP strictly: only the one canonical encoding of an item is accepted.</summary>
/// <remarks>
/// Ethereum Yellow Paper, Appendix B (Recursive Length Prefix). The decoder refuses a single byte below 0x80 wrapped as
/// <c>0x81 xx</c>, long-form lengths for payloads of 55 bytes or fewer, lengths with leading zeros, lengths that overrun the
/// input, bytes after the top-level item, nesting deeper than <see cref="MaxDepth"/> and input over
/// <see cref="MaxInputSizeInBytes"/>. Integer canonicality (no leading zeros) is checked by <see cref="RlpString.TryGetUInt64"/>
/// and <see cref="RlpString.TryGetUInt256"/>, since RLP alone cannot tell an integer from bytes.
/// </remarks>
public static class RlpCodec
{
    /// <summary>The deepest list nesting accepted: a list of strings has depth 1.</summary>
    public const int MaxDepth = 64;

    /// <summary>The largest input <see cref="TryDecode"/> accepts, 1 MiB (transactions, proofs and headers are far smaller).</summary>
    public const int MaxInputSizeInBytes = 1024 * 1024;

    /// <summary>The longest payload that has a one-byte (short-form) prefix.</summary>
    internal const int MaxShortPayloadLength = 55;

    private const byte ShortStringOffset = 0x80;
    private const byte LongStringOffset = 0xb7;
    private const byte ShortListOffset = 0xc0;
    private const byte LongListOffset = 0xf7;

    /// <summary>Encodes an item.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The canonical encoding, <see cref="RlpItem.EncodedLength"/> bytes long.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="item"/> is <see langword="null"/>.</exception>
    public static byte[] Encode(RlpItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var encoded = new byte[item.EncodedLength];
        Write(item, encoded);
        return encoded;
    }

    /// <summary>Encodes an item into <paramref name="destination"/> when it is large enough.</summary>
    /// <param name="item">The item.</param>
    /// <param name="destination">The buffer for the encoding.</param>
    /// <param name="bytesWritten">The length of the encoding when it was written, else 0.</param>
    /// <returns><see langword="true"/> when <paramref name="destination"/> held the encoding; otherwise <see langword="false"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="item"/> is <see langword="null"/>.</exception>
    public static bool TryEncode(RlpItem item, Span<byte> destination, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(item);
        bytesWritten = 0;
        if (destination.Length < item.EncodedLength)
        {
            return false;
        }

        bytesWritten = Write(item, destination);
        return true;
    }

    /// <summary>Decodes exactly one canonically encoded item that spans the whole input.</summary>
    /// <param name="encoded">The untrusted input.</param>
    /// <param name="item">The item when decoding succeeds; otherwise <see langword="null"/>.</param>
    /// <param name="error">
    /// <see cref="RlpError.None"/> on success; otherwise why the input was refused (never one of the integer reasons).
    /// </param>
    /// <returns><see langword="true"/> when the input is one canonical item; otherwise <see langword="false"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out RlpItem? item, out RlpError error)
    {
        item = null;
        if (encoded.Length > MaxInputSizeInBytes)
        {
            error = RlpError.InputTooLarge;
            return false;
        }

        error = TryRead(encoded, depth: 0, out var read, out var consumed);
        if (error is RlpError.None && consumed != encoded.Length)
        {
            error = RlpError.TrailingBytes;
        }

        if (error is not RlpError.None)
        {
            return false;
        }

        item = read!;
        return true;
    }

    /// <summary>Reads one item from the start of <paramref name="input"/>, which ends where the enclosing list or input ends.</summary>
    private static RlpError TryRead(ReadOnlySpan<byte> input, int depth, out RlpItem? item, out int consumed)
    {
        item = null;
        consumed = 0;
        if (input.IsEmpty)
        {
            return RlpError.Truncated;
        }

        var prefix = input[0];
        if (prefix < ShortStringOffset)
        {
            item = RlpString.FromTrusted(input[..1]);
            consumed = 1;
            return RlpError.None;
        }

        var isList = prefix >= ShortListOffset;
        var error = TryReadHeader(input, isList, out var headerLength, out var payloadLength);
        if (error is not RlpError.None)
        {
            return error;
        }

        var payload = input.Slice(headerLength, payloadLength);
        consumed = headerLength + payloadLength;
        if (!isList)
        {
            if (payloadLength == 1 && payload[0] < ShortStringOffset)
            {
                return RlpError.NonCanonicalSingleByte;
            }

            item = RlpString.FromTrusted(payload);
            return RlpError.None;
        }

        if (depth + 1 > MaxDepth)
        {
            return RlpError.TooDeep;
        }

        var items = ImmutableArray.CreateBuilder<RlpItem>();
        while (!payload.IsEmpty)
        {
            error = TryRead(payload, depth + 1, out var child, out var childLength);
            if (error is not RlpError.None)
            {
                return error;
            }

            items.Add(child!);
            payload = payload[childLength..];
        }

        item = RlpList.FromTrusted(items.DrainToImmutable());
        return RlpError.None;
    }

    /// <summary>Reads a string or list prefix (not a single byte) and checks that its payload fits in the input.</summary>
    private static RlpError TryReadHeader(ReadOnlySpan<byte> input, bool isList, out int headerLength, out int payloadLength)
    {
        headerLength = 1;
        payloadLength = 0;
        var prefix = input[0];
        var longOffset = isList ? LongListOffset : LongStringOffset;
        if (prefix <= longOffset)
        {
            payloadLength = prefix - (isList ? ShortListOffset : ShortStringOffset);
        }
        else
        {
            var lengthOfLength = prefix - longOffset;
            if (input.Length < 1 + lengthOfLength)
            {
                return RlpError.Truncated;
            }

            var lengthBytes = input.Slice(1, lengthOfLength);
            if (lengthBytes[0] == 0)
            {
                return RlpError.LengthHasLeadingZeros;
            }

            // Up to 8 length bytes: a ulong holds any of them; anything past the input is refused below.
            ulong length = 0;
            foreach (var b in lengthBytes)
            {
                length = (length << 8) | b;
            }

            if (length <= MaxShortPayloadLength)
            {
                return RlpError.LongFormForShortPayload;
            }

            headerLength = 1 + lengthOfLength;
            if (length > (ulong)(input.Length - headerLength))
            {
                return RlpError.LengthOverrunsInput;
            }

            payloadLength = (int)length;
            return RlpError.None;
        }

        return payloadLength > input.Length - headerLength ? RlpError.LengthOverrunsInput : RlpError.None;
    }

    private static int Write(RlpItem item, Span<byte> destination)
    {
        switch (item)
        {
            case RlpString { Bytes: [< ShortStringOffset] } single:
                destination[0] = single.Bytes[0];
                return 1;
            case RlpString text:
                {
                    var header = WriteHeader(text.Bytes.Length, ShortStringOffset, LongStringOffset, destination);
                    text.Bytes.AsSpan().CopyTo(destination[header..]);
                    return header + text.Bytes.Length;
                }

            case RlpList list:
                {
                    var written = WriteHeader(list.PayloadLength, ShortListOffset, LongListOffset, destination);
                    foreach (var child in list.Items)
                    {
                        // Depth is bounded by MaxDepth, so this recursion is too.
                        written += Write(child, destination[written..]);
                    }

                    return written;
                }

            default:
                throw new UnreachableException("RlpItem has two kinds.");
        }
    }

    private static int WriteHeader(int payloadLength, byte shortOffset, byte longOffset, Span<byte> destination)
    {
        if (payloadLength <= MaxShortPayloadLength)
        {
            destination[0] = (byte)(shortOffset + payloadLength);
            return 1;
        }

        var lengthOfLength = (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)payloadLength) + 7) / 8;
        destination[0] = (byte)(longOffset + lengthOfLength);
        for (var i = lengthOfLength; i > 0; i--)
        {
            destination[i] = (byte)payloadLength;
            payloadLength >>= 8;
        }

        return 1 + lengthOfLength;
    }
}
