using System.Numerics;
using IdentityEhr.Ethereum.Abi;

namespace IdentityEhr.Ethereum.Tests;

public sealed class RevertReasonTests
{
    private static byte[] Error(string message) => FunctionSignature.Parse("Error(string)").EncodeCall(new AbiString(message));

    private static byte[] Panic(int code) => FunctionSignature.Parse("Panic(uint256)").EncodeCall(new AbiInteger(code));

    [Fact]
    public void Error_selector_is_the_selector_of_Error_string()
    {
        Assert.Equal(Convert.ToHexString(FunctionSignature.Parse("Error(string)").Selector), Convert.ToHexString(RevertReason.ErrorSelector));
    }

    [Fact]
    public void Panic_selector_is_the_selector_of_Panic_uint256()
    {
        Assert.Equal(Convert.ToHexString(FunctionSignature.Parse("Panic(uint256)").Selector), Convert.ToHexString(RevertReason.PanicSelector));
    }

    [Fact]
    public void TryDecodeError_reads_the_require_message()
    {
        Assert.Equal((true, "not_owner_or_anchor_delegate"), (RevertReason.TryDecodeError(Error("not_owner_or_anchor_delegate"), out var message), message));
    }

    [Fact]
    public void TryDecodePanic_reads_the_code()
    {
        Assert.Equal((true, new BigInteger(0x11)), (RevertReason.TryDecodePanic(Panic(0x11), out var code), code));
    }

    [Fact]
    public void Describe_quotes_an_Error_message()
    {
        Assert.Equal("Error(\"tree_size_not_grown\")", RevertReason.Describe(Error("tree_size_not_grown")));
    }

    [Fact]
    public void Describe_escapes_control_characters_in_an_Error_message()
    {
        Assert.Equal("Error(\"a\\nb\")", RevertReason.Describe(Error("a\nb")));
    }

    [Fact]
    public void Describe_cuts_a_long_Error_message()
    {
        Assert.Equal("Error(\"" + new string('x', RevertReason.MaxDescribedMessageLength) + "\"…)", RevertReason.Describe(Error(new string('x', 1000))));
    }

    [Theory]
    [InlineData(0x01, "Panic(0x01): assertion failed")]
    [InlineData(0x11, "Panic(0x11): arithmetic overflow or underflow")]
    [InlineData(0x12, "Panic(0x12): division or modulo by zero")]
    [InlineData(0x32, "Panic(0x32): array index out of bounds")]
    [InlineData(0x99, "Panic(0x99): unknown panic code")]
    public void Describe_names_a_panic_code(int code, string description)
    {
        Assert.Equal(description, RevertReason.Describe(Panic(code)));
    }

    [Fact]
    public void Describe_says_when_there_is_no_data()
    {
        Assert.Equal("reverted without data", RevertReason.Describe([]));
    }

    [Fact]
    public void Describe_shows_a_custom_error_as_hex()
    {
        Assert.Equal("unrecognised revert data 0x82b42900 (4 bytes)", RevertReason.Describe([0x82, 0xb4, 0x29, 0x00]));
    }

    [Fact]
    public void Describe_shows_only_the_first_bytes_of_long_unknown_data()
    {
        var data = new byte[100];

        Assert.Equal("unrecognised revert data 0x" + new string('0', 2 * RevertReason.MaxDescribedBytes) + "… (100 bytes)", RevertReason.Describe(data));
    }

    [Fact]
    public void Malformed_Error_data_is_shown_as_hex()
    {
        var data = Error("x");
        data[^1] = 1; // dirty padding after the message

        Assert.StartsWith("unrecognised revert data 0x08c379a0", RevertReason.Describe(data), StringComparison.Ordinal);
    }
}
