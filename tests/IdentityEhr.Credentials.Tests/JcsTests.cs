using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Testing;

namespace IdentityEhr.Credentials.Tests;

/// <summary>
/// RFC 8785 against the reference data of cyberphone/json-canonicalization (shared/vectors/jcs-rfc8785, Apache-2.0),
/// the number table of RFC 8785 Appendix B, and the I-JSON refusals.
/// </summary>
public sealed class JcsTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(10_000).WithQuietOnSuccess(true);

    public static TheoryData<string> VectorNames() =>
        new(Directory.GetFiles(Path.GetDirectoryName(Vectors.PathOf("jcs-rfc8785/input/values.json"))!, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Vector_input_canonicalizes_to_the_expected_output_bytes(string name)
    {
        var input = File.ReadAllBytes(Vectors.PathOf($"jcs-rfc8785/input/{name}.json"));
        var expected = File.ReadAllBytes(Vectors.PathOf($"jcs-rfc8785/output/{name}.json"));
        var expectedHex = Vectors.ReadText($"jcs-rfc8785/outhex/{name}.txt");

        var canonical = JsonCanonicalizer.Canonicalize(input);

        Assert.Equal(expected, canonical);
        Assert.Equal(Convert.FromHexString(string.Concat(expectedHex.Where(char.IsAsciiHexDigit))), canonical);
    }

    // RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialization.
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Numbers_serialize_as_ecmascript_does(string bits, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(bits, 16));
        var json = Encoding.UTF8.GetBytes(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(json)));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", JcsError.DuplicateProperty)]
    [InlineData("{\"a\":1,\"\\u0061\":2}", JcsError.DuplicateProperty)]
    [InlineData("[{\"x\":{\"k\":null,\"k\":null}}]", JcsError.DuplicateProperty)]
    [InlineData("\"\\ud800\"", JcsError.LoneSurrogate)]
    [InlineData("\"a\\udc00b\"", JcsError.LoneSurrogate)]
    [InlineData("{\"\\ud83d\":1}", JcsError.LoneSurrogate)]
    [InlineData("[\"\\ude02\\ud83d\"]", JcsError.LoneSurrogate)]
    [InlineData("1e400", JcsError.NumberOutOfRange)]
    [InlineData("[-1e309]", JcsError.NumberOutOfRange)]
    [InlineData("{", JcsError.MalformedJson)]
    [InlineData("", JcsError.MalformedJson)]
    [InlineData("[1,]", JcsError.MalformedJson)]
    [InlineData("NaN", JcsError.MalformedJson)]
    [InlineData("{'a':1}", JcsError.MalformedJson)]
    [InlineData("[1] [2]", JcsError.MalformedJson)]
    public void Non_i_json_is_refused_with_its_reason(string json, JcsError expected)
    {
        Assert.False(JsonCanonicalizer.TryCanonicalize(Encoding.UTF8.GetBytes(json), out var canonical, out var error));
        Assert.Null(canonical);
        Assert.Equal(expected, error);
        var thrown = Assert.Throws<JcsException>(() => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, thrown.Error);
        Assert.DoesNotContain("\\u", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        Assert.False(JsonCanonicalizer.TryCanonicalize([(byte)'"', 0xC3, 0x28, (byte)'"'], out _, out var error));
        Assert.Equal(JcsError.MalformedJson, error);
    }

    [Theory]
    [InlineData(JsonCanonicalizer.MaxDepth, true)]
    [InlineData(JsonCanonicalizer.MaxDepth + 1, false)]
    [InlineData(10_000, false)]
    public void Nesting_is_bounded(int depth, bool accepted)
    {
        var json = Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));

        Assert.Equal(accepted, JsonCanonicalizer.TryCanonicalize(json, out _, out var error));
        Assert.Equal(accepted ? JcsError.None : JcsError.TooDeep, error);
    }

    [Fact]
    public void Escaping_is_minimal_and_lowercase()
    {
        var canonical = JsonCanonicalizer.Canonicalize("\"\\u0041\\u00e9\\u001f\\u007f\\u2028\\/\\b\\t\\n\\f\\r\\\"\\\\\""u8);

        Assert.Equal("\"Aé\\u001f\u007f\u2028/\\b\\t\\n\\f\\r\\\"\\\\\"", Encoding.UTF8.GetString(canonical));
    }

    [Fact]
    public void Keys_sort_by_utf16_code_units_not_code_points()
    {
        // U+FB33 sorts after U+1F602 by code point but before it by UTF-16 code unit (0xD83D).
        var canonical = JsonCanonicalizer.Canonicalize("{\"\\ud83d\\ude02\":1,\"\\ufb33\":2,\"\\u00e9\":3}"u8);

        Assert.Equal("{\"é\":3,\"😂\":1,\"דּ\":2}", Encoding.UTF8.GetString(canonical));
    }

    [Fact]
    public void Canonical_form_is_a_fixed_point_and_never_throws_on_generated_json()
    {
        Prop.ForAll(Arb.From(JsonSamples.Value()), json =>
        {
            var canonical = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json));
            return JsonCanonicalizer.Canonicalize(canonical).AsSpan().SequenceEqual(canonical)
                && JsonDocument.Parse(canonical) is { } reparsed && reparsed.RootElement.ValueKind != JsonValueKind.Undefined;
        }).Check(s_config);
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_anything_but_a_reason()
    {
        Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<byte[]>()), bytes =>
        {
            var accepted = JsonCanonicalizer.TryCanonicalize(bytes, out var canonical, out var error);
            return accepted ? canonical is not null && error == JcsError.None : canonical is null && error != JcsError.None;
        }).Check(s_config);
    }
}
