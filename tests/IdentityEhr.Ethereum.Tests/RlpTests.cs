using System.Numerics;
using IdentityEhr.Ethereum.Rlp;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>RLP rules one at a time (Yellow Paper, Appendix B), beyond the shared vectors.</summary>
public sealed class RlpTests
{
    private static RlpItem Nest(int depth)
    {
        RlpItem item = RlpList.Empty;
        for (var i = 1; i < depth; i++)
        {
            item = new RlpList(item);
        }

        return item;
    }

    /// <summary>Writes <paramref name="depth"/> nested lists by hand (the item model refuses to build them past the bound).</summary>
    private static byte[] NestedEncoding(int depth)
    {
        var lengths = new int[depth + 1];
        for (var level = 1; level <= depth; level++)
        {
            var payload = lengths[level - 1];
            lengths[level] = payload + (payload <= 55 ? 1 : 1 + ((32 - System.Numerics.BitOperations.LeadingZeroCount((uint)payload) + 7) / 8));
        }

        var encoded = new byte[lengths[depth]];
        var position = 0;
        for (var level = depth; level >= 1; level--)
        {
            var payload = lengths[level - 1];
            if (payload <= 55)
            {
                encoded[position++] = (byte)(0xc0 + payload);
                continue;
            }

            var size = lengths[level] - payload - 1;
            encoded[position++] = (byte)(0xf7 + size);
            for (var i = size - 1; i >= 0; i--)
            {
                encoded[position++] = (byte)(payload >> (8 * i));
            }
        }

        return encoded;
    }

    private static RlpError DecodeError(byte[] encoded)
    {
        RlpCodec.TryDecode(encoded, out _, out var error);
        return error;
    }

    [Fact]
    public void Decode_refuses_empty_input()
    {
        Assert.Equal(RlpError.Truncated, DecodeError([]));
    }

    [Fact]
    public void Decode_refuses_a_single_byte_wrapped_as_a_short_string()
    {
        Assert.Equal(RlpError.NonCanonicalSingleByte, DecodeError([0x81, 0x7f]));
    }

    [Fact]
    public void Decode_accepts_a_single_byte_of_0x80_as_a_short_string()
    {
        Assert.True(RlpCodec.TryDecode([0x81, 0x80], out var item, out _) && item.Equals(new RlpString([0x80])));
    }

    [Fact]
    public void Decode_refuses_a_length_with_leading_zeros()
    {
        byte[] encoded = [0xb9, 0x00, 0x38, .. new byte[56]];

        Assert.Equal(RlpError.LengthHasLeadingZeros, DecodeError(encoded));
    }

    [Fact]
    public void Decode_refuses_a_long_form_length_for_a_55_byte_string()
    {
        byte[] encoded = [0xb8, 55, .. new byte[55]];

        Assert.Equal(RlpError.LongFormForShortPayload, DecodeError(encoded));
    }

    [Fact]
    public void Decode_refuses_a_long_form_length_for_a_short_list()
    {
        Assert.Equal(RlpError.LongFormForShortPayload, DecodeError([0xf8, 0x01, 0x80]));
    }

    [Fact]
    public void Decode_refuses_a_length_that_overruns_the_input()
    {
        Assert.Equal(RlpError.LengthOverrunsInput, DecodeError([0x83, 0x61, 0x62]));
    }

    [Fact]
    public void Decode_refuses_a_length_field_cut_short()
    {
        Assert.Equal(RlpError.Truncated, DecodeError([0xb9, 0x01]));
    }

    [Fact]
    public void Decode_refuses_an_item_that_overruns_its_enclosing_list()
    {
        // The list holds two bytes, but its item claims three; the input itself is long enough.
        Assert.Equal(RlpError.LengthOverrunsInput, DecodeError([0xc2, 0x83, 0x61, 0x62, 0x63]));
    }

    [Fact]
    public void Decode_refuses_trailing_bytes_after_the_top_level_item()
    {
        Assert.Equal(RlpError.TrailingBytes, DecodeError([0xc0, 0x80]));
    }

    [Fact]
    public void Decode_refuses_input_over_the_size_bound()
    {
        var encoded = new byte[RlpCodec.MaxInputSizeInBytes + 1];
        encoded[0] = 0xc0;

        Assert.Equal(RlpError.InputTooLarge, DecodeError(encoded));
    }

    [Fact]
    public void The_hand_written_nesting_matches_the_encoder()
    {
        Assert.Equal(RlpCodec.Encode(Nest(RlpCodec.MaxDepth)), NestedEncoding(RlpCodec.MaxDepth));
    }

    [Fact]
    public void Decode_accepts_nesting_at_the_depth_bound()
    {
        var encoded = RlpCodec.Encode(Nest(RlpCodec.MaxDepth));

        Assert.True(RlpCodec.TryDecode(encoded, out var item, out _) && item.Depth == RlpCodec.MaxDepth);
    }

    [Fact]
    public void Decode_refuses_nesting_past_the_depth_bound()
    {
        Assert.Equal(RlpError.TooDeep, DecodeError(NestedEncoding(RlpCodec.MaxDepth + 1)));
    }

    [Fact]
    public void Decode_refuses_deep_nesting_without_exhausting_the_stack()
    {
        // 100,000 nested list headers: the decoder stops at the depth bound instead of recursing.
        Assert.Equal(RlpError.TooDeep, DecodeError(NestedEncoding(100_000)));
    }

    [Fact]
    public void List_constructor_refuses_nesting_past_the_depth_bound()
    {
        var deepest = Nest(RlpCodec.MaxDepth);

        Assert.Throws<ArgumentException>("items", () => new RlpList(deepest));
    }

    [Fact]
    public void List_constructor_refuses_a_null_item()
    {
        Assert.Throws<ArgumentNullException>("items", () => new RlpList(RlpString.Empty, null!));
    }

    [Fact]
    public void Encode_refuses_a_null_item()
    {
        Assert.Throws<ArgumentNullException>("item", () => RlpCodec.Encode(null!));
    }

    [Fact]
    public void TryEncode_refuses_a_short_destination()
    {
        var item = new RlpString("dog"u8);

        Assert.Equal((false, 0), (RlpCodec.TryEncode(item, new byte[item.EncodedLength - 1], out var written), written));
    }

    [Fact]
    public void TryEncode_writes_the_same_bytes_as_Encode()
    {
        var item = new RlpList(new RlpString("cat"u8), RlpString.FromUInt64(1024), RlpList.Empty);
        var destination = new byte[item.EncodedLength + 3];

        Assert.True(RlpCodec.TryEncode(item, destination, out var written));
        Assert.Equal(RlpCodec.Encode(item), destination[..written]);
    }

    [Fact]
    public void FromInteger_encodes_zero_as_the_empty_string()
    {
        Assert.Equal([0x80], RlpCodec.Encode(RlpString.FromInteger(BigInteger.Zero)));
    }

    [Fact]
    public void FromInteger_refuses_a_negative_value()
    {
        Assert.Throws<ArgumentOutOfRangeException>("value", () => RlpString.FromInteger(BigInteger.MinusOne));
    }

    [Fact]
    public void FromUInt64_writes_the_minimal_big_endian_bytes()
    {
        Assert.Equal([0x82, 0x04, 0x00], RlpCodec.Encode(RlpString.FromUInt64(1024)));
    }

    [Fact]
    public void TryGetUInt64_refuses_a_zero_byte()
    {
        Assert.Equal((false, RlpError.IntegerHasLeadingZeros), (new RlpString([0x00]).TryGetUInt64(out _, out var error), error));
    }

    [Fact]
    public void TryGetUInt64_refuses_nine_bytes()
    {
        Assert.Equal((false, RlpError.IntegerTooLarge), (new RlpString([1, 0, 0, 0, 0, 0, 0, 0, 0]).TryGetUInt64(out _, out var error), error));
    }

    [Fact]
    public void TryGetUInt64_reads_the_largest_value()
    {
        Assert.Equal((true, ulong.MaxValue), (RlpString.FromUInt64(ulong.MaxValue).TryGetUInt64(out var value, out _), value));
    }

    [Fact]
    public void TryGetUInt64_reads_the_empty_string_as_zero()
    {
        Assert.Equal((true, 0UL), (RlpString.Empty.TryGetUInt64(out var value, out _), value));
    }

    [Fact]
    public void TryGetUInt256_refuses_leading_zeros()
    {
        Assert.Equal((false, RlpError.IntegerHasLeadingZeros), (new RlpString([0x00, 0x01]).TryGetUInt256(out _, out var error), error));
    }

    [Fact]
    public void TryGetUInt256_refuses_two_to_the_256()
    {
        var twoTo256 = RlpString.FromInteger(BigInteger.One << 256);

        Assert.Equal((false, RlpError.IntegerTooLarge), (twoTo256.TryGetUInt256(out _, out var error), error));
    }

    [Fact]
    public void TryGetUInt256_reads_two_to_the_256_minus_one()
    {
        var max = (BigInteger.One << 256) - 1;

        Assert.Equal((true, max), (RlpString.FromInteger(max).TryGetUInt256(out var value, out _), value));
    }

    [Fact]
    public void Items_with_the_same_content_are_equal()
    {
        var first = new RlpList(new RlpString("dog"u8), new RlpList(RlpString.FromUInt64(7)));
        var second = new RlpList(new RlpString("dog"u8), new RlpList(RlpString.FromUInt64(7)));

        Assert.Equal((true, first.GetHashCode()), (first.Equals(second), second.GetHashCode()));
    }

    [Fact]
    public void A_string_never_equals_a_list()
    {
        Assert.False(RlpString.Empty.Equals(RlpList.Empty));
    }

    [Fact]
    public void Decoded_bytes_do_not_alias_the_input()
    {
        byte[] encoded = [0x83, 0x61, 0x62, 0x63];
        Assert.True(RlpCodec.TryDecode(encoded, out var item, out _));

        encoded[1] = 0x7a;

        Assert.Equal("0x616263", item.ToString());
    }
}
