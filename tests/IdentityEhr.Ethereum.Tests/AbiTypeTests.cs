using IdentityEhr.Ethereum.Abi;

namespace IdentityEhr.Ethereum.Tests;

public sealed class AbiTypeTests
{
    public static TheoryData<string, AbiSyntaxError> GeneratedMalformed() => new()
    {
        { new string('(', AbiType.MaxDepth + 1) + "uint256" + new string(')', AbiType.MaxDepth + 1), AbiSyntaxError.TooDeep },
        { "uint256" + string.Concat(Enumerable.Repeat("[]", AbiType.MaxDepth + 1)), AbiSyntaxError.TooDeep },
        { "(" + string.Join(',', Enumerable.Repeat("bool", 1000)) + ")", AbiSyntaxError.TooLong },
        { "(" + string.Join(',', Enumerable.Repeat("uint", 800)) + ")", AbiSyntaxError.TooLong },
    };

    [Theory]
    [InlineData("uint", "uint256")]
    [InlineData("int", "int256")]
    [InlineData("uint8", "uint8")]
    [InlineData("int[]", "int256[]")]
    [InlineData("bytes32[2][]", "bytes32[2][]")]
    [InlineData("(uint,(bool,string)[])[3]", "(uint256,(bool,string)[])[3]")]
    public void Parse_prints_the_canonical_form(string text, string canonical)
    {
        Assert.Equal(canonical, AbiType.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", AbiSyntaxError.Empty)]
    [InlineData("uint7", AbiSyntaxError.InvalidSize)]
    [InlineData("uint264", AbiSyntaxError.InvalidSize)]
    [InlineData("uint08", AbiSyntaxError.InvalidSize)]
    [InlineData("int0", AbiSyntaxError.InvalidSize)]
    [InlineData("bytes0", AbiSyntaxError.InvalidSize)]
    [InlineData("bytes33", AbiSyntaxError.InvalidSize)]
    [InlineData("bytes1024", AbiSyntaxError.InvalidSize)]
    [InlineData("fixed128x18", AbiSyntaxError.UnknownType)]
    [InlineData("function", AbiSyntaxError.UnknownType)]
    [InlineData("address20", AbiSyntaxError.UnknownType)]
    [InlineData("Uint256", AbiSyntaxError.UnknownType)]
    [InlineData("tuple", AbiSyntaxError.UnknownType)]
    [InlineData("uint256[0]", AbiSyntaxError.InvalidArrayLength)]
    [InlineData("uint256[01]", AbiSyntaxError.InvalidArrayLength)]
    [InlineData("uint256[x]", AbiSyntaxError.InvalidArrayLength)]
    [InlineData("uint256[-1]", AbiSyntaxError.InvalidArrayLength)]
    [InlineData("()", AbiSyntaxError.EmptyTuple)]
    [InlineData("(uint256", AbiSyntaxError.Malformed)]
    [InlineData("uint256)", AbiSyntaxError.Malformed)]
    [InlineData(" uint256", AbiSyntaxError.Malformed)]
    [InlineData("uint256 ", AbiSyntaxError.Malformed)]
    [InlineData("(uint256, bool)", AbiSyntaxError.Malformed)]
    [InlineData("(uint256,,bool)", AbiSyntaxError.Malformed)]
    [InlineData("uint256[", AbiSyntaxError.Malformed)]
    [InlineData("uint256[]]", AbiSyntaxError.Malformed)]
    [InlineData("uint256[1000000]", AbiSyntaxError.TooLarge)]
    [InlineData("uint256[9999999999]", AbiSyntaxError.TooLarge)]
    [InlineData("uint256[1024][1024]", AbiSyntaxError.TooLarge)]
    public void TryParse_refuses_with_the_reason(string text, AbiSyntaxError reason)
    {
        Assert.Equal((false, reason), (AbiType.TryParse(text, out _, out var error), error));
    }

    [Theory]
    [MemberData(nameof(GeneratedMalformed))]
    public void TryParse_refuses_deep_or_long_text_with_the_reason(string text, AbiSyntaxError reason)
    {
        Assert.Equal((false, reason), (AbiType.TryParse(text, out _, out var error), error));
    }

    [Fact]
    public void TryParse_accepts_the_deepest_allowed_nesting()
    {
        var text = "uint256" + string.Concat(Enumerable.Repeat("[]", AbiType.MaxDepth));

        Assert.True(AbiType.TryParse(text, out _, out _));
    }

    [Fact]
    public void TryParse_refuses_null_as_empty()
    {
        Assert.Equal((false, AbiSyntaxError.Empty), (AbiType.TryParse(null, out _, out var error), error));
    }

    [Fact]
    public void Parse_throws_FormatException_on_malformed_text()
    {
        Assert.Throws<FormatException>(() => AbiType.Parse("uint7"));
    }

    [Fact]
    public void Alias_and_canonical_forms_are_equal_types()
    {
        Assert.Equal(AbiIntegerType.UInt256, AbiType.Parse("uint"));
    }

    [Theory]
    [InlineData("bytes32", false)]
    [InlineData("uint256[2]", false)]
    [InlineData("(address,bool)[2]", false)]
    [InlineData("string[2]", true)]
    [InlineData("uint256[]", true)]
    [InlineData("(uint256,bytes)", true)]
    public void IsDynamic_follows_the_spec(string text, bool isDynamic)
    {
        Assert.Equal(isDynamic, AbiType.Parse(text).IsDynamic);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(264)]
    public void Integer_type_with_a_bad_width_throws(int width)
    {
        Assert.Throws<ArgumentOutOfRangeException>("bits", () => new AbiIntegerType(width, isSigned: false));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void Fixed_bytes_type_with_a_bad_length_throws(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>("length", () => new AbiFixedBytesType(size));
    }

    [Fact]
    public void Fixed_array_of_length_zero_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("length", () => new AbiFixedArrayType(AbiBoolType.Instance, 0));
    }

    [Fact]
    public void Fixed_array_over_the_head_limit_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("length", () => new AbiFixedArrayType(AbiBoolType.Instance, (AbiType.MaxHeadSizeInBytes / 32) + 1));
    }

    [Fact]
    public void Array_of_null_throws()
    {
        Assert.Throws<ArgumentNullException>("element", () => new AbiArrayType(null!));
    }

    [Fact]
    public void Array_deeper_than_the_limit_throws()
    {
        var deepest = AbiType.Parse("bool" + string.Concat(Enumerable.Repeat("[]", AbiType.MaxDepth)));

        Assert.Throws<ArgumentException>("element", () => new AbiArrayType(deepest));
    }

    [Fact]
    public void Empty_tuple_throws()
    {
        Assert.Throws<ArgumentException>("components", () => new AbiTupleType());
    }

    [Fact]
    public void Tuple_with_a_null_component_throws()
    {
        Assert.Throws<ArgumentNullException>("components", () => new AbiTupleType(AbiBoolType.Instance, null!));
    }
}
