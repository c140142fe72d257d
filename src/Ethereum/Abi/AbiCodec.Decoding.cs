using System.Text.Unicode;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The strict decoder. Recursion follows the type, whose depth is at most <see cref="AbiType.MaxDepth"/>.</summary>
public static partial class AbiCodec
{
    /// <summary>Decodes a tuple or array body that starts at <paramref name="start"/>; <paramref name="consumed"/> is its length.</summary>
    private static AbiError DecodeSequence(
        IReadOnlyList<AbiType>? types,
        AbiType? element,
        int count,
        ReadOnlySpan<byte> data,
        int start,
        out AbiValue[] items,
        out int consumed)
    {
        items = [];
        consumed = 0;
        var headSize = 0L;
        for (var i = 0; i < count && types is not null; i++)
        {
            headSize += types[i].HeadSize;
        }

        headSize = types is null ? element!.HeadSize * count : headSize;
        if (headSize > data.Length - start)
        {
            return AbiError.DataTooShort;
        }

        items = new AbiValue[count];
        var head = start;
        var tail = (int)headSize;
        for (var i = 0; i < count; i++)
        {
            var type = types?[i] ?? element!;
            AbiError error;
            if (type.IsDynamic)
            {
                // Every dynamic encoding is at least one word (a length, or heads of at least one word each).
                if (!TryReadSmall(data.Slice(head, WordSize), out var offset) || offset > data.Length - start - WordSize)
                {
                    return AbiError.OffsetOutOfRange;
                }

                if (offset % WordSize != 0)
                {
                    return AbiError.MisalignedOffset;
                }

                // Only the canonical offset is accepted: no overlapping tails (which would let a small input decode
                // into an exponentially large value), no gaps, no reordering.
                if (offset != tail)
                {
                    return AbiError.NonCanonicalOffset;
                }

                error = Decode(type, data, start + tail, out items[i], out var length);
                tail += length;
                head += WordSize;
            }
            else
            {
                error = Decode(type, data, head, out items[i], out var length);
                head += length;
            }

            if (error != AbiError.None)
            {
                return error;
            }
        }

        consumed = tail;
        return AbiError.None;
    }

    private static AbiError Decode(AbiType type, ReadOnlySpan<byte> data, int position, out AbiValue value, out int consumed)
    {
        value = null!;
        consumed = 0;
        if (data.Length - position < WordSize)
        {
            return AbiError.DataTooShort;
        }

        var word = data.Slice(position, WordSize);
        AbiError error;
        switch (type)
        {
            case AbiBytesType or AbiStringType:
                error = DecodeLengthPrefixed(type is AbiStringType, data, position, out value, out consumed);
                break;
            case AbiArrayType array:
                // The size-bomb check: each element takes at least its head size in the data that follows.
                if (!TryReadSmall(word, out var count) || count > (data.Length - position - WordSize) / array.Element.HeadSize)
                {
                    return AbiError.ArrayLengthOutOfRange;
                }

                error = DecodeSequence(null, array.Element, (int)count, data, position + WordSize, out var elements, out var length);
                value = AbiList.Own(elements);
                consumed = WordSize + length;
                break;
            case AbiFixedArrayType array:
                error = DecodeSequence(null, array.Element, array.Length, data, position, out var fixedElements, out consumed);
                value = AbiList.Own(fixedElements);
                break;
            case AbiTupleType tuple:
                error = DecodeSequence(tuple.Components, null, tuple.Components.Count, data, position, out var components, out consumed);
                value = AbiList.Own(components);
                break;
            default:
                error = DecodeWord(type, word, out var elementary);
                value = elementary!;
                consumed = WordSize;
                break;
        }

        return error;
    }

    private static AbiError DecodeLengthPrefixed(bool isString, ReadOnlySpan<byte> data, int position, out AbiValue value, out int consumed)
    {
        value = null!;
        consumed = 0;
        var available = data.Length - position - WordSize;
        if (!TryReadSmall(data.Slice(position, WordSize), out var length) || PadToWords(length) > available)
        {
            return AbiError.LengthOutOfRange;
        }

        var padded = (int)PadToWords(length);
        var content = data.Slice(position + WordSize, (int)length);
        if (data.Slice(position + WordSize + (int)length, padded - (int)length).ContainsAnyExcept((byte)0))
        {
            return AbiError.DirtyPadding;
        }

        if (isString && !Utf8.IsValid(content))
        {
            return AbiError.InvalidUtf8;
        }

        value = isString ? AbiString.FromValidUtf8(content.ToArray()) : AbiBytes.Own(content.ToArray());
        consumed = WordSize + padded;
        return AbiError.None;
    }
}
