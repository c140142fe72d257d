using System.Numerics;
using IdentityEhr.Ethereum.Abi;

namespace IdentityEhr.Ethereum.Tests;

public sealed class AbiCodecTests
{
    /// <summary>Malformed encodings, one per reason (and per kind of padding): types, data as hex words, and the expected reason.</summary>
    public static TheoryData<string, string, AbiError> Malformed() => new()
    {
        { "uint256", new string('0', 62), AbiError.DataTooShort },
        { "(uint256,uint256)", Word(1), AbiError.DataTooShort },
        { "uint256", Word(1) + Word(2), AbiError.TrailingData },
        { "uint256", Word(1) + "00", AbiError.TrailingData },
        { "uint8", Word(0x100), AbiError.DirtyPadding },
        { "uint64", "01" + new string('0', 62), AbiError.DirtyPadding },
        { "address", "01" + new string('0', 62), AbiError.DirtyPadding },
        { "bytes4", "6162636465" + new string('0', 54), AbiError.DirtyPadding },
        { "bytes", Word(32) + Word(1) + "6100000000000000000000000000000000000000000000000000000000000001", AbiError.DirtyPadding },
        { "string", Word(32) + Word(1) + "6100000000000000000000000000000000000000000000000000000000000001", AbiError.DirtyPadding },
        { "int8", Word(0x80), AbiError.InvalidSignExtension },
        { "int8", new string('f', 62) + "7f", AbiError.InvalidSignExtension },
        { "int128", "00" + new string('f', 62), AbiError.InvalidSignExtension },
        { "bool", Word(2), AbiError.InvalidBool },
        { "bool", "01" + new string('0', 62), AbiError.InvalidBool },
        { "bytes", Word(64) + Word(0), AbiError.OffsetOutOfRange },
        { "bytes", new string('f', 64) + Word(0), AbiError.OffsetOutOfRange },
        { "bytes", Word(33) + Word(0) + Word(0), AbiError.MisalignedOffset },
        { "bytes", Word(64) + Word(0) + Word(0), AbiError.NonCanonicalOffset },
        { "(bytes,bytes)", Word(64) + Word(64) + Word(0), AbiError.NonCanonicalOffset },
        { "(bytes,bytes)", Word(96) + Word(64) + Word(0) + Word(0), AbiError.NonCanonicalOffset },
        { "bytes", Word(32) + Word(33) + Word(0), AbiError.LengthOutOfRange },
        { "bytes", Word(32) + new string('f', 64), AbiError.LengthOutOfRange },
        { "uint256[]", Word(32) + Word(2) + Word(1), AbiError.ArrayLengthOutOfRange },
        { "uint256[2][]", Word(32) + Word(1) + Word(1), AbiError.ArrayLengthOutOfRange },
        { "uint8[][]", Word(32) + Word(0xffffffff), AbiError.ArrayLengthOutOfRange },
        { "uint8[][]", Word(32) + new string('f', 64), AbiError.ArrayLengthOutOfRange },
        { "string", Word(32) + Word(1) + "ff" + new string('0', 62), AbiError.InvalidUtf8 },
        { "string", Word(32) + Word(2) + "c0af" + new string('0', 60), AbiError.InvalidUtf8 },
    };

    private static string Word(ulong value) => value.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    private static AbiType[] Types(string tuple) => [.. ((AbiTupleType)AbiType.Parse(tuple.StartsWith('(') ? tuple : "(" + tuple + ")")).Components];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryDecode_refuses_malformed_data_with_the_reason(string types, string hex, AbiError reason)
    {
        Assert.Equal((false, reason), (AbiCodec.TryDecode(Types(types), Convert.FromHexString(hex), out _, out var error), error));
    }

    [Fact]
    public void TryDecode_refuses_an_array_length_bomb_before_allocating()
    {
        // 2^32 − 1 elements of a 1 MiB static type, declared in 64 bytes.
        var huge = AbiType.Parse("uint256[32768][]");

        Assert.Equal((false, AbiError.ArrayLengthOutOfRange), (AbiCodec.TryDecode([huge], Convert.FromHexString(Word(32) + Word(0xffffffff)), out _, out var error), error));
    }

    [Fact]
    public void TryDecode_accepts_the_canonical_encoding_of_a_nested_dynamic_value()
    {
        byte[] data = Convert.FromHexString(Word(32) + Word(2) + Word(64) + Word(128) + Word(1) + Word(7) + Word(0));

        Assert.True(AbiCodec.TryDecode([AbiType.Parse("uint8[][]")], data, out var values, out _));
        Assert.Equal(new AbiList(new AbiList(new AbiInteger(7)), new AbiList()), values[0]);
    }

    [Fact]
    public void TryDecode_of_no_types_accepts_only_empty_data()
    {
        Assert.Equal((false, AbiError.TrailingData), (AbiCodec.TryDecode([], new byte[32], out _, out var error), error));
    }

    [Fact]
    public void TryDecode_with_null_types_throws()
    {
        Assert.Throws<ArgumentNullException>("types", () => AbiCodec.TryDecode(null!, [], out _, out _));
    }

    [Fact]
    public void Negative_integers_are_sign_extended()
    {
        var encoded = AbiCodec.Encode([AbiType.Parse("int8")], [new AbiInteger(-1)]);

        Assert.Equal(new string('f', 64), Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void Bytes_are_right_padded_after_their_length()
    {
        var encoded = AbiCodec.Encode([AbiBytesType.Instance], [new AbiBytes([0xab])]);

        Assert.Equal(Word(32) + Word(1) + "ab" + new string('0', 62), Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void Largest_uint256_encodes_as_all_ones()
    {
        var encoded = AbiCodec.Encode([AbiIntegerType.UInt256], [new AbiInteger((BigInteger.One << 256) - 1)]);

        Assert.Equal(new string('f', 64), Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void Encode_with_fewer_values_than_types_throws()
    {
        Assert.Throws<ArgumentException>("values", () => AbiCodec.Encode([AbiBoolType.Instance, AbiBoolType.Instance], [new AbiBool(true)]));
    }

    [Fact]
    public void Encode_with_null_types_throws()
    {
        Assert.Throws<ArgumentNullException>("types", () => AbiCodec.Encode(null!, []));
    }

    [Fact]
    public void Encode_with_a_null_value_throws()
    {
        Assert.Throws<ArgumentNullException>("values", () => AbiCodec.Encode([AbiBoolType.Instance], [null!]));
    }

    [Theory]
    [InlineData("uint8", "256")]
    [InlineData("uint256", "-1")]
    [InlineData("int8", "128")]
    [InlineData("int8", "-129")]
    [InlineData("uint256", "115792089237316195423570985008687907853269984665640564039457584007913129639936")]
    public void Encode_of_an_integer_out_of_range_throws(string type, string value)
    {
        var integer = new AbiInteger(BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Throws<ArgumentException>("values", () => AbiCodec.Encode([AbiType.Parse(type)], [integer]));
    }

    [Fact]
    public void Encode_of_fixed_bytes_of_the_wrong_length_throws()
    {
        Assert.Throws<ArgumentException>("values", () => AbiCodec.Encode([AbiFixedBytesType.Bytes32], [new AbiBytes(new byte[31])]));
    }

    [Fact]
    public void Encode_of_a_fixed_array_with_the_wrong_count_throws()
    {
        Assert.Throws<ArgumentException>("values", () => AbiCodec.Encode([AbiType.Parse("bool[2]")], [new AbiList(new AbiBool(true))]));
    }

    [Fact]
    public void Encode_of_a_value_of_the_wrong_kind_throws()
    {
        Assert.Throws<ArgumentException>("values", () => AbiCodec.Encode([AbiAddressType.Instance], [new AbiBool(true)]));
    }

    [Fact]
    public void String_value_with_an_unpaired_surrogate_throws()
    {
        Assert.Throws<ArgumentException>("value", () => new AbiString("a\ud800b"));
    }

    [Fact]
    public void Bytes_value_copies_its_input()
    {
        byte[] input = [1, 2, 3];
        var value = new AbiBytes(input);
        input[0] = 9;

        Assert.Equal(1, value.Value[0]);
    }
}
