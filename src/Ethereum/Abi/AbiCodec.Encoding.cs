using System.Numerics;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The encoder: a sizing pass that also checks every value against its type, then one writing pass.</summary>
public static partial class AbiCodec
{
    /// <summary>Sizes a tuple or array body; −1 when a value does not fit its type.</summary>
    private static long SequenceSize(IReadOnlyList<AbiType>? types, AbiType? element, IReadOnlyList<AbiValue> items)
    {
        var size = 0L;
        for (var i = 0; i < items.Count; i++)
        {
            var type = types?[i] ?? element!;
            var valueSize = Size(type, items[i]);
            if (valueSize < 0)
            {
                return -1;
            }

            size += type.IsDynamic ? WordSize + valueSize : valueSize;
        }

        return size;
    }

    /// <summary>Sizes one value; −1 when it does not fit its type (kind, range, length or count).</summary>
    private static long Size(AbiType type, AbiValue value) => (type, value) switch
    {
        (AbiIntegerType integerType, AbiInteger integer) when integer.Fits(integerType) => WordSize,
        (AbiAddressType, AbiAddress) => WordSize,
        (AbiBoolType, AbiBool) => WordSize,
        (AbiFixedBytesType fixedBytes, AbiBytes bytes) when bytes.Length == fixedBytes.Length => WordSize,
        (AbiBytesType, AbiBytes bytes) => WordSize + PadToWords(bytes.Length),
        (AbiStringType, AbiString text) => WordSize + PadToWords(text.Utf8.Length),
        (AbiArrayType array, AbiList list) => Prefixed(SequenceSize(null, array.Element, list.Items)),
        (AbiFixedArrayType array, AbiList list) when list.Items.Count == array.Length => SequenceSize(null, array.Element, list.Items),
        (AbiTupleType tuple, AbiList list) when list.Items.Count == tuple.Components.Count => SequenceSize(tuple.Components, null, list.Items),
        _ => -1,
    };

    private static long Prefixed(long size) => size < 0 ? size : WordSize + size;

    /// <summary>Writes a tuple or array body into zeroed <paramref name="destination"/>; returns the bytes written.</summary>
    private static int WriteSequence(IReadOnlyList<AbiType>? types, AbiType? element, IReadOnlyList<AbiValue> items, Span<byte> destination)
    {
        var head = 0;
        var tail = 0;
        for (var i = 0; i < items.Count; i++)
        {
            tail += (int)(types?[i] ?? element!).HeadSize;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var type = types?[i] ?? element!;
            if (type.IsDynamic)
            {
                WriteSmall(tail, destination[head..]);
                tail += Write(type, items[i], destination[tail..]);
                head += WordSize;
            }
            else
            {
                head += Write(type, items[i], destination[head..]);
            }
        }

        return tail;
    }

    private static int Write(AbiType type, AbiValue value, Span<byte> destination)
    {
        switch (type, value)
        {
            case (AbiIntegerType, AbiInteger integer):
                WriteInteger(integer.Value, destination[..WordSize]);
                return WordSize;
            case (AbiAddressType, AbiAddress address):
                address.Value.ToBytes().CopyTo(destination[(WordSize - Address.SizeInBytes)..]);
                return WordSize;
            case (AbiBoolType, AbiBool boolean):
                destination[WordSize - 1] = boolean.Value ? (byte)1 : (byte)0;
                return WordSize;
            case (AbiFixedBytesType, AbiBytes bytes):
                bytes.Value.CopyTo(destination);
                return WordSize;
            case (AbiBytesType, AbiBytes bytes):
                return WriteLengthPrefixed(bytes.Value, destination);
            case (AbiStringType, AbiString text):
                return WriteLengthPrefixed(text.Utf8, destination);
            case (AbiArrayType array, AbiList list):
                WriteSmall(list.Items.Count, destination);
                return WordSize + WriteSequence(null, array.Element, list.Items, destination[WordSize..]);
            case (AbiFixedArrayType array, AbiList list):
                return WriteSequence(null, array.Element, list.Items, destination);
            case (AbiTupleType tuple, AbiList list):
                return WriteSequence(tuple.Components, null, list.Items, destination);
            default:
                throw new InvalidOperationException("The sizing pass let through a value that does not fit its type.");
        }
    }

    private static int WriteLengthPrefixed(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        WriteSmall(bytes.Length, destination);
        bytes.CopyTo(destination[WordSize..]);
        return WordSize + (int)PadToWords(bytes.Length);
    }

    /// <summary>Writes a big-endian two's complement word: zero-extended when non-negative, sign-extended with 0xff when negative.</summary>
    private static void WriteInteger(BigInteger value, Span<byte> word)
    {
        var isUnsigned = value.Sign >= 0;
        if (!isUnsigned)
        {
            word.Fill(0xff);
        }

        var count = value.GetByteCount(isUnsigned);
        value.TryWriteBytes(word[(WordSize - count)..], out _, isUnsigned, isBigEndian: true);
    }
}
