using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using IdentityEhr.Ethereum.Rlp;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>
/// ethereum/tests RLPTests (rlptest.json, invalidRLPTest.json) and ethers.js testcases rlp.json, copied unchanged; sources and
/// commits in shared/vectors/ethereum/README.md.
/// </summary>
public sealed class RlpVectorTests
{
    private const string Valid = "ethereum-tests/RLPTests/rlptest.json";
    private const string Invalid = "ethereum-tests/RLPTests/invalidRLPTest.json";
    private const string Ethers = "ethers-testcases/rlp.json";

    public static TheoryData<string> ValidCases() => new(Read(Valid).EnumerateObject().Select(p => p.Name));

    public static TheoryData<string> InvalidCases() => new(Read(Invalid).EnumerateObject().Select(p => p.Name));

    public static TheoryData<string> EthersCases() => new(Read(Ethers).EnumerateArray().Select(v => v.GetProperty("name").GetString()!));

    /// <summary>The reason each invalid vector is refused for.</summary>
    public static TheoryData<string, RlpError> InvalidReasons() => new()
    {
        { "int32Overflow", RlpError.LengthOverrunsInput },
        { "int32Overflow2", RlpError.LengthOverrunsInput },
        { "wrongSizeList", RlpError.LongFormForShortPayload },
        { "wrongSizeList2", RlpError.LongFormForShortPayload },
        { "incorrectLengthInArray", RlpError.LengthHasLeadingZeros },
        { "randomRLP", RlpError.LengthHasLeadingZeros },
        { "bytesShouldBeSingleByte00", RlpError.NonCanonicalSingleByte },
        { "bytesShouldBeSingleByte01", RlpError.NonCanonicalSingleByte },
        { "bytesShouldBeSingleByte7F", RlpError.NonCanonicalSingleByte },
        { "leadingZerosInLongLengthArray1", RlpError.LengthHasLeadingZeros },
        { "leadingZerosInLongLengthArray2", RlpError.LengthHasLeadingZeros },
        { "leadingZerosInLongLengthList1", RlpError.LengthHasLeadingZeros },
        { "leadingZerosInLongLengthList2", RlpError.LengthHasLeadingZeros },
        { "nonOptimalLongLengthArray1", RlpError.LongFormForShortPayload },
        { "nonOptimalLongLengthArray2", RlpError.LongFormForShortPayload },
        { "nonOptimalLongLengthList1", RlpError.LongFormForShortPayload },
        { "nonOptimalLongLengthList2", RlpError.LongFormForShortPayload },
        { "emptyEncoding", RlpError.Truncated },
        { "lessThanShortLengthArray1", RlpError.LengthOverrunsInput },
        { "lessThanShortLengthArray2", RlpError.LengthOverrunsInput },
        { "lessThanShortLengthList1", RlpError.LengthOverrunsInput },
        { "lessThanShortLengthList2", RlpError.LengthOverrunsInput },
        { "lessThanLongLengthArray1", RlpError.LengthOverrunsInput },
        { "lessThanLongLengthArray2", RlpError.LengthOverrunsInput },
        { "lessThanLongLengthList1", RlpError.LengthOverrunsInput },
        { "lessThanLongLengthList2", RlpError.LengthOverrunsInput },
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Encoding_an_ethereum_tests_input_gives_its_output(string name)
    {
        var vector = Read(Valid).GetProperty(name);

        var encoded = RlpCodec.Encode(FromEthereumTests(vector.GetProperty("in")));

        Assert.Equal(Convert.ToHexString(Hex(vector, "out")), Convert.ToHexString(encoded));
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Decoding_an_ethereum_tests_output_gives_its_input(string name)
    {
        var vector = Read(Valid).GetProperty(name);

        Assert.True(RlpCodec.TryDecode(Hex(vector, "out"), out var item, out var error), error.ToString());
        Assert.Equal(FromEthereumTests(vector.GetProperty("in")), item);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Decode_refuses_every_invalid_ethereum_tests_vector(string name)
    {
        var vector = Read(Invalid).GetProperty(name);

        var accepted = RlpCodec.TryDecode(Hex(vector, "out"), out var item, out var error);

        Assert.Equal((false, (RlpItem?)null, true), (accepted, item, error is not RlpError.None));
    }

    [Theory]
    [MemberData(nameof(InvalidReasons))]
    public void Decode_names_the_reason_an_invalid_vector_is_refused(string name, RlpError expected)
    {
        RlpCodec.TryDecode(Hex(Read(Invalid).GetProperty(name), "out"), out _, out var error);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void The_reason_table_covers_every_invalid_vector()
    {
        Assert.Equal(
            Read(Invalid).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            InvalidReasons().Select(row => row.Data.Item1).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(EthersCases))]
    public void Encoding_an_ethers_value_gives_its_encoding(string name)
    {
        var vector = EthersVector(name);

        var encoded = RlpCodec.Encode(FromEthers(vector.GetProperty("decoded")));

        Assert.Equal(Convert.ToHexString(Hex(vector, "encoded")), Convert.ToHexString(encoded));
    }

    [Theory]
    [MemberData(nameof(EthersCases))]
    public void Decoding_an_ethers_encoding_gives_its_value(string name)
    {
        var vector = EthersVector(name);

        Assert.True(RlpCodec.TryDecode(Hex(vector, "encoded"), out var item, out var error), error.ToString());
        Assert.Equal(FromEthers(vector.GetProperty("decoded")), item);
    }

    private static JsonElement EthersVector(string name) =>
        Read(Ethers).EnumerateArray().First(v => v.GetProperty("name").GetString() == name);

    /// <summary>ethereum/tests notation: a string is its UTF-8 bytes, a number or "#digits" an integer, an array a list.</summary>
    private static RlpItem FromEthereumTests(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is ['#', .. var digits] => RlpString.FromInteger(BigInteger.Parse(digits, CultureInfo.InvariantCulture)),
        JsonValueKind.String => new RlpString(Encoding.UTF8.GetBytes(value.GetString()!)),
        JsonValueKind.Number => RlpString.FromInteger(BigInteger.Parse(value.GetRawText(), CultureInfo.InvariantCulture)),
        JsonValueKind.Array => new RlpList(value.EnumerateArray().Select(FromEthereumTests)),
        _ => throw new InvalidDataException($"Unexpected RLP test input {value.ValueKind}."),
    };

    /// <summary>ethers notation: a hex string is bytes, an array a list.</summary>
    private static RlpItem FromEthers(JsonElement value) => value.ValueKind is JsonValueKind.Array
        ? new RlpList(value.EnumerateArray().Select(FromEthers))
        : new RlpString(Hex(value.GetString()!));
}
