using IdentityEhr.Ethereum.Abi;

namespace IdentityEhr.Ethereum.Tests;

public sealed class FunctionSignatureTests
{
    [Theory]
    [InlineData("anchor(bytes32,uint64)", "anchor(bytes32,uint64)")]
    [InlineData("f(uint, int[] xs)", "f(uint256,int256[])")]
    [InlineData(" identityOwner ( address identity ) returns ( address ) ", "identityOwner(address)")]
    [InlineData("noArguments()", "noArguments()")]
    [InlineData("g((uint,bool)[2] pairs)", "g((uint256,bool)[2])")]
    public void Parse_gives_the_canonical_signature(string text, string canonical)
    {
        Assert.Equal(canonical, FunctionSignature.Parse(text).Signature);
    }

    [Theory]
    [InlineData("", AbiSyntaxError.Empty)]
    [InlineData("(uint256)", AbiSyntaxError.InvalidName)]
    [InlineData("1f(uint256)", AbiSyntaxError.InvalidName)]
    [InlineData("f(uint256 1x)", AbiSyntaxError.InvalidName)]
    [InlineData("f(uint256", AbiSyntaxError.Malformed)]
    [InlineData("f uint256", AbiSyntaxError.Malformed)]
    [InlineData("f(uint256) view", AbiSyntaxError.Malformed)]
    [InlineData("f(uint256) anonymous", AbiSyntaxError.Malformed)]
    [InlineData("f(uint7)", AbiSyntaxError.InvalidSize)]
    [InlineData("f(uint256) returns (uint7)", AbiSyntaxError.InvalidSize)]
    public void TryParse_refuses_with_the_reason(string text, AbiSyntaxError reason)
    {
        Assert.Equal((false, reason), (FunctionSignature.TryParse(text, out _, out var error), error));
    }

    [Fact]
    public void Parse_reads_the_result_types()
    {
        var function = FunctionSignature.Parse("validDelegate(address,bytes32,address) returns (bool)");

        Assert.Equal([AbiBoolType.Instance], function.Outputs);
    }

    [Fact]
    public void TryDecodeResult_decodes_a_returned_address()
    {
        var function = FunctionSignature.Parse("identityOwner(address) returns (address)");
        var owner = Address.Parse("0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a");

        Assert.True(function.TryDecodeResult(AbiCodec.Encode([AbiAddressType.Instance], [new AbiAddress(owner)]), out var values, out _));
        Assert.Equal(new AbiAddress(owner), values[0]);
    }

    [Fact]
    public void TryDecodeResult_refuses_an_address_with_dirty_padding()
    {
        var function = FunctionSignature.Parse("identityOwner(address) returns (address)");
        var data = new byte[32];
        data[0] = 1;

        Assert.Equal((false, AbiError.DirtyPadding), (function.TryDecodeResult(data, out _, out var error), error));
    }

    [Fact]
    public void EncodeCall_with_the_wrong_number_of_arguments_throws()
    {
        var function = FunctionSignature.Parse("anchor(bytes32,uint64)");

        Assert.Throws<ArgumentException>("arguments", () => function.EncodeCall(new AbiBytes(new byte[32])));
    }

    [Fact]
    public void Create_with_an_invalid_name_throws()
    {
        Assert.Throws<ArgumentException>("name", () => FunctionSignature.Create("not a name", []));
    }

    [Fact]
    public void Create_matches_Parse()
    {
        var created = FunctionSignature.Create("anchor", [AbiFixedBytesType.Bytes32, new AbiIntegerType(64, isSigned: false)]);

        Assert.Equal(Convert.ToHexString(FunctionSignature.Parse("anchor(bytes32,uint64)").Selector), Convert.ToHexString(created.Selector));
    }
}
