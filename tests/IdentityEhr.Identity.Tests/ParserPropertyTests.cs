using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Tests;

/// <summary>Property tests over every parser: 10,000 cases each; none may throw, and each agrees with a reference or round-trips.</summary>
public sealed partial class ParserPropertyTests
{
    private const int Cases = 10_000;
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true);

    // DID Core §3.1 ABNF as a regular expression: the reference the parser must agree with.
    [GeneratedRegex(@"^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")]
    private static partial Regex DidAbnf();

    /// <summary>Strings near the DID grammar: a likely prefix, then characters that matter to it.</summary>
    private static Gen<string> DidLike() =>
        from prefix in Gen.Elements("did:", "did:key:", "did:ex:", "did:Ex:", "di:", "", "did:key:z6Mk", "did:a:b:")
        from chars in Gen.ArrayOf(Gen.Elements("a", "Z", "0", ".", "-", "_", ":", "%", "%2", "%4f", "#", "?", "/", " ", "é", "z", "6", "\u0000"))
        select prefix + string.Concat(chars);

    [Fact]
    public void Did_parser_agrees_with_the_abnf_and_never_throws()
    {
        Prop.ForAll(Arb.From(Gen.OneOf(DidLike(), ArbMap.Default.GeneratorFor<string>())), text =>
        {
            var accepted = Did.TryParse(text, out var did, out _);
            return accepted == (text is not null && DidAbnf().IsMatch(text)) && (!accepted || did!.ToString() == text);
        }).Check(s_config);
    }

    [Fact]
    public void Did_url_parser_never_throws_and_keeps_the_did_it_accepts()
    {
        Prop.ForAll(Arb.From(Gen.OneOf(DidLike(), ArbMap.Default.GeneratorFor<string>())), text =>
            !DidUrl.TryParse(text, out var url, out _) || (url.ToString() == text && Did.TryParse(url.Did.ToString(), out _, out _)))
            .Check(s_config);
    }

    [Fact]
    public void Varint_headers_round_trip_and_are_minimal()
    {
        Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<ulong>().Select(v => v >> 1)), codec =>
        {
            var bytes = Multicodec.Prefix(codec, []);
            return Multicodec.TryReadHeader(bytes, out var read, out var length) && read == codec && length == bytes.Length
                && (bytes.Length == 1 || bytes[^1] != 0);
        }).Check(s_config);
    }

    [Fact]
    public void Multikey_parser_never_throws_on_arbitrary_text()
    {
        var text = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>(),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => Multibase.EncodeBase58Btc(b)),
            from codec in Gen.Elements(0xedUL, 0xecUL, 0xe7UL, 0x1200UL, 0x1201UL, 0x1202UL, 0x1300UL, 0x1205UL)
            from length in Gen.Choose(0, 70)
            from body in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length)
            select Multibase.EncodeBase58Btc(Multicodec.Prefix(codec, body)));
        Prop.ForAll(Arb.From(text), t =>
        {
            var accepted = PublicKey.TryImportMultikey(t ?? string.Empty, out var key, out var error);
            return accepted ? error == KeyError.None && key!.ExportMultikey() == t : error != KeyError.None;
        }).Check(s_config);
    }

    [Fact]
    public void Ed25519_keys_round_trip_through_multikey_and_jwk()
    {
        Prop.ForAll(Arb.From(Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 32)), seed =>
        {
            using var key = PrivateKey.Import(KeyType.Ed25519, seed);
            return PublicKey.TryImportMultikey(key.PublicKey.ExportMultikey(), out var viaMultikey, out _)
                && JsonWebKey.TryImportPublic(JsonWebKey.ExportPublic(key.PublicKey).ToJsonString(), out var viaJwk, out _)
                && viaMultikey.Equals(key.PublicKey) && viaJwk.Equals(key.PublicKey);
        }).Check(s_config);
    }

    [Fact]
    public void Secp256k1_keys_round_trip_through_multikey_and_jwk()
    {
        Prop.ForAll(Arb.From(Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 32)), secret =>
        {
            if (!PrivateKey.TryImport(KeyType.Secp256k1, secret, out var key, out _))
            {
                return true; // zero or ≥ n: refused, as it must be
            }

            using (key)
            {
                return PublicKey.TryImportMultikey(key.PublicKey.ExportMultikey(), out var viaMultikey, out _)
                    && JsonWebKey.TryImportPublic(JsonWebKey.ExportPublic(key.PublicKey).ToJsonString(), out var viaJwk, out _)
                    && viaMultikey.Equals(key.PublicKey) && viaJwk.Equals(key.PublicKey);
            }
        }).Check(s_config);
    }

    [Fact]
    public void Jwk_parser_never_throws_on_hostile_members()
    {
        var member = Gen.OneOf(
            Gen.Constant<JsonNode?>(null),
            ArbMap.Default.GeneratorFor<string>().Select(s => (JsonNode?)JsonValue.Create(s ?? string.Empty)),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => (JsonNode?)JsonValue.Create(Base64UrlText.Encode(b))),
            ArbMap.Default.GeneratorFor<int>().Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Constant<JsonNode?>(new JsonArray()));
        var jwk =
            from kty in Gen.Elements("OKP", "EC", "RSA", "", "oct")
            from crv in Gen.Elements("Ed25519", "X25519", "secp256k1", "P-256", "P-384", "P-521", "Ed448", "")
            from x in member
            from y in member
            from d in member
            select new JsonObject { ["kty"] = kty, ["crv"] = crv, ["x"] = x?.DeepClone(), ["y"] = y?.DeepClone(), ["d"] = d?.DeepClone() }.ToJsonString();
        Prop.ForAll(Arb.From(jwk), json =>
        {
            var accepted = JsonWebKey.TryImportPublic(json, out var key, out var error);
            return accepted ? key is not null : error != KeyError.None;
        }).Check(s_config);
    }

    [Fact]
    public void Our_base58btc_agrees_with_SimpleBase_both_ways()
    {
        Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<byte[]>()), bytes =>
        {
            var ours = Base58Btc.Encode(bytes);
            return ours == SimpleBase.Base58.Bitcoin.Encode(bytes)
                && Base58Btc.TryDecode(ours, out var back) && back.AsSpan().SequenceEqual(bytes);
        }).Check(s_config);
    }

    [Fact]
    public void Base64url_accepts_only_its_canonical_text()
    {
        Prop.ForAll(Arb.From(Gen.OneOf(ArbMap.Default.GeneratorFor<string>(), ArbMap.Default.GeneratorFor<byte[]>().Select(b => Base64UrlText.Encode(b) + "A"))), text =>
            !Base64UrlText.TryDecode(text ?? string.Empty, out var bytes) || Base64UrlText.Encode(bytes) == text)
            .Check(s_config);
    }

    [Fact]
    public void Did_document_parser_never_throws_on_mutated_documents()
    {
        const string valid = """{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:example:123","controller":"did:example:123","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}],"authentication":["#k"],"service":[{"id":"#s","type":"T","serviceEndpoint":"https://example.org"}]}""";
        string[] paths = ["@context", "id", "controller", "verificationMethod", "authentication", "service", "alsoKnownAs", "keyAgreement"];
        var value = Gen.OneOf(
            Gen.Constant<JsonNode?>(null),
            ArbMap.Default.GeneratorFor<string>().Select(s => (JsonNode?)JsonValue.Create(s ?? string.Empty)),
            ArbMap.Default.GeneratorFor<int>().Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Constant<JsonNode?>(new JsonArray(JsonValue.Create(7), new JsonObject())),
            Gen.Constant<JsonNode?>(new JsonArray(new JsonObject { ["id"] = "#x" })),
            Gen.Constant<JsonNode?>(new JsonObject { ["id"] = "#k" }));
        var mutated =
            from path in Gen.Elements(paths)
            from replacement in value
            select Mutate(valid, path, replacement);
        Prop.ForAll(Arb.From(mutated), json => DidDocument.TryParse(json, out var document, out var error) ? document is not null : error.Length > 0)
            .Check(s_config);
    }

    private static string Mutate(string json, string member, JsonNode? replacement)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        root[member] = replacement?.DeepClone();
        return root.ToJsonString();
    }
}
