using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using IdentityEhr.Ethereum.Abi;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>Turns the JSON arguments of the ABI vector files into <see cref="AbiValue"/>s, guided by each argument's type.</summary>
internal static class AbiVectorValues
{
    public static AbiValue[] FromJson(IReadOnlyList<AbiType> types, JsonElement arguments) =>
        [.. types.Select((type, i) => FromJson(type, arguments[i]))];

    public static AbiValue FromJson(AbiType type, JsonElement argument) => type switch
    {
        AbiIntegerType => new AbiInteger(Integer(argument)),
        AbiAddressType => new AbiAddress(Address.Parse(argument.GetString()!)),
        AbiBoolType => new AbiBool(argument.GetBoolean()),
        AbiFixedBytesType or AbiBytesType => new AbiBytes(Bytes(argument.GetString()!)),
        AbiStringType => new AbiString(argument.GetString()!),
        AbiArrayType array => new AbiList(argument.EnumerateArray().Select(e => FromJson(array.Element, e))),
        AbiFixedArrayType array => new AbiList(argument.EnumerateArray().Select(e => FromJson(array.Element, e))),
        AbiTupleType tuple => new AbiList(tuple.Components.Select((c, i) => FromJson(c, argument[i]))),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Integers are JSON numbers or decimal strings ("4242").</summary>
    private static BigInteger Integer(JsonElement argument) =>
        BigInteger.Parse(argument.ValueKind == JsonValueKind.Number ? argument.GetRawText() : argument.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>Bytes are 0x-hex, except in ethereum/tests' basic_abi_tests.json, which writes them as plain text ("1234567890").</summary>
    private static byte[] Bytes(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal) ? EthereumVectors.Hex(text) : Encoding.UTF8.GetBytes(text);
}
