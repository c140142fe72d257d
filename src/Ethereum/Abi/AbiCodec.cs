using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>Encodes and strictly decodes values as a tuple of ABI types (function arguments, results, event data).</summary>
/// <remarks>
/// Solidity "Contract ABI Specification", "Formal Specification of the Encoding": heads then tails, offsets measured from the
/// start of the enclosing tuple, numbers and addresses left-padded, <c>bytes&lt;M&gt;</c> right-padded, <c>bytes</c> and
/// <c>string</c> length-prefixed and right-padded to whole words.
/// </remarks>
public static partial class AbiCodec
{
    private const int WordSize = AbiType.WordSize;

    /// <summary>Encodes <paramref name="values"/> as the tuple of <paramref name="types"/>.</summary>
    /// <param name="types">The types, in order.</param>
    /// <param name="values">One value per type, of the matching kind and range.</param>
    /// <returns>The encoding (no function selector).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="types"/>, <paramref name="values"/> or one of their items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts differ, a value does not fit its type, or the encoding would not fit in an array.</exception>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<AbiValue> values) => EncodeValues(types, values, nameof(values));

    /// <summary>Tries to decode <paramref name="data"/> as the tuple of <paramref name="types"/>, accepting only its one canonical encoding.</summary>
    /// <remarks>
    /// Refuses dirty padding, offsets that point outside the data, are misaligned or are not where the encoding puts the tail,
    /// lengths that overrun the data, arrays whose declared length could not fit in the data (checked before allocating),
    /// invalid UTF-8, and trailing bytes. Because tails may not overlap, the decoded values never outgrow the data.
    /// </remarks>
    /// <param name="types">The types, in order.</param>
    /// <param name="data">The encoding (no function selector).</param>
    /// <param name="values">The values when decoding succeeds: <see cref="AbiInteger"/>, <see cref="AbiAddress"/>, <see cref="AbiBool"/>,
    /// <see cref="AbiBytes"/>, <see cref="AbiString"/> or <see cref="AbiList"/>, one per type.</param>
    /// <param name="error">Why decoding failed, or <see cref="AbiError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="data"/> is the encoding of values of <paramref name="types"/>; otherwise <see langword="false"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="types"/> or one of its items is <see langword="null"/>.</exception>
    public static bool TryDecode(
        IReadOnlyList<AbiType> types,
        ReadOnlySpan<byte> data,
        [NotNullWhen(true)] out IReadOnlyList<AbiValue>? values,
        out AbiError error)
    {
        ArgumentNullException.ThrowIfNull(types);
        ThrowIfAnyNull(types, nameof(types));
        values = null;
        error = DecodeSequence(types, null, types.Count, data, 0, out var items, out var consumed);
        if (error == AbiError.None && consumed != data.Length)
        {
            error = AbiError.TrailingData;
        }

        if (error != AbiError.None)
        {
            return false;
        }

        values = Array.AsReadOnly(items);
        return true;
    }

    /// <summary>Encodes, naming <paramref name="valuesName"/> in the argument exceptions about the values.</summary>
    internal static byte[] EncodeValues(IReadOnlyList<AbiType> types, IReadOnlyList<AbiValue> values, string valuesName)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values, valuesName);
        ThrowIfAnyNull(types, nameof(types));
        ThrowIfAnyNull(values, valuesName);
        if (types.Count != values.Count)
        {
            throw new ArgumentException($"There are {types.Count} types but {values.Count} values.", valuesName);
        }

        var size = SequenceSize(types, null, values);
        if (size < 0)
        {
            throw new ArgumentException("A value does not fit its type: wrong kind, integer out of range, or wrong length or count.", valuesName);
        }

        if (size > Array.MaxLength)
        {
            throw new ArgumentException("The encoding would be larger than an array can hold.", valuesName);
        }

        var encoding = new byte[size];
        WriteSequence(types, null, values, encoding);
        return encoding;
    }

    /// <summary>Decodes one word of an elementary static type (integers, <c>address</c>, <c>bool</c>, <c>bytes&lt;M&gt;</c>).</summary>
    internal static AbiError DecodeWord(AbiType type, ReadOnlySpan<byte> word, out AbiValue? value)
    {
        value = null;
        switch (type)
        {
            case AbiIntegerType { IsSigned: false } integer:
                var width = integer.Bits / 8;
                if (word[..(WordSize - width)].ContainsAnyExcept((byte)0))
                {
                    return AbiError.DirtyPadding;
                }

                value = new AbiInteger(new BigInteger(word[(WordSize - width)..], isUnsigned: true, isBigEndian: true));
                return AbiError.None;
            case AbiIntegerType integer:
                var signedWidth = integer.Bits / 8;
                var extension = (word[WordSize - signedWidth] & 0x80) == 0 ? (byte)0 : (byte)0xff;
                if (word[..(WordSize - signedWidth)].ContainsAnyExcept(extension))
                {
                    return AbiError.InvalidSignExtension;
                }

                value = new AbiInteger(new BigInteger(word[(WordSize - signedWidth)..], isUnsigned: false, isBigEndian: true));
                return AbiError.None;
            case AbiAddressType:
                if (word[..(WordSize - Address.SizeInBytes)].ContainsAnyExcept((byte)0))
                {
                    return AbiError.DirtyPadding;
                }

                value = new AbiAddress(Address.FromBytes(word[(WordSize - Address.SizeInBytes)..]));
                return AbiError.None;
            case AbiBoolType:
                if (word[..(WordSize - 1)].ContainsAnyExcept((byte)0) || word[^1] > 1)
                {
                    return AbiError.InvalidBool;
                }

                value = new AbiBool(word[^1] == 1);
                return AbiError.None;
            case AbiFixedBytesType fixedBytes:
                if (word[fixedBytes.Length..].ContainsAnyExcept((byte)0))
                {
                    return AbiError.DirtyPadding;
                }

                value = new AbiBytes(word[..fixedBytes.Length]);
                return AbiError.None;
            default:
                throw new ArgumentException("Only elementary static types fit in one word.", nameof(type));
        }
    }

    /// <summary>Rounds a byte count up to whole words.</summary>
    internal static long PadToWords(long length) => (length + WordSize - 1) / WordSize * WordSize;

    private static void ThrowIfAnyNull<T>(IReadOnlyList<T> items, string paramName)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                throw new ArgumentNullException(paramName, $"Item {i} is null.");
            }
        }
    }

    /// <summary>Reads a word that must be a small unsigned number (an offset or a length); false when it is 2^32 or more.</summary>
    private static bool TryReadSmall(ReadOnlySpan<byte> word, out long value)
    {
        value = 0;
        if (word[..(WordSize - sizeof(uint))].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(word[(WordSize - sizeof(uint))..]);
        return true;
    }

    private static void WriteSmall(long value, Span<byte> destination) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination[(WordSize - sizeof(ulong))..WordSize], (ulong)value);
}
