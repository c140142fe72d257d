using System.Text.Json.Nodes;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Testing;

namespace IdentityEhr.Identity.Tests;

public sealed class DidDocumentTests
{
    private const string Did = "did:example:123";

    private static DidDocument Parse(string json)
    {
        Assert.True(DidDocument.TryParse(json, out var document, out var error), error);
        return document;
    }

    private static string ErrorOf(string json)
    {
        Assert.False(DidDocument.TryParse(json, out _, out var error));
        return error;
    }

    public static TheoryData<string> VectorDocuments()
    {
        var data = new TheoryData<string>();
        foreach (var file in (string[])["ed25519-x25519.json", "secp256k1.json", "nist-curves.json"])
        {
            using var document = Vectors.ReadJson($"did-key/{file}");
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                data.Add(entry.Value.GetProperty("didDocument").GetRawText());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VectorDocuments))]
    public void A_document_read_and_written_again_is_the_same_json(string json)
    {
        var written = Parse(json).Serialize();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)));
    }

    [Fact]
    public void Members_the_model_does_not_know_survive_a_round_trip()
    {
        const string json = """{"@context":"https://www.w3.org/ns/did/v1","id":"did:example:123","controller":["did:example:a","did:example:b"],"alsoKnownAs":["https://example.org/x"],"custom":{"n":1},"verificationMethod":[{"id":"#k","type":"EcdsaSecp256k1RecoveryMethod2020","controller":"did:example:123","blockchainAccountId":"eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"}],"authentication":["#k"],"service":[{"id":"#s","type":["A","B"],"serviceEndpoint":{"origins":["https://example.org"]},"extra":true}]}""";

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(Parse(json).Serialize())));
    }

    [Fact]
    public void Our_did_key_document_reads_back_equal()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var json = DidKey.CreateDocument(key.PublicKey).Serialize();

        Assert.Equal(json, Parse(json).Serialize());
    }

    [Fact]
    public void A_relative_reference_dereferences_to_the_method()
    {
        var document = Parse("""{"id":"did:example:123","verificationMethod":[{"id":"#key-1","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}]}""");

        Assert.Equal("did:example:123#key-1", document.Dereference("#key-1")?.Id.ToString());
    }

    [Fact]
    public void Dereference_of_another_dids_key_finds_nothing()
    {
        var document = Parse("""{"id":"did:example:123","verificationMethod":[{"id":"#key-1","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}]}""");

        Assert.Null(document.Dereference("did:example:456#key-1"));
    }

    [Fact]
    public void A_method_only_under_verificationMethod_is_not_authorized()
    {
        var document = Parse("""{"id":"did:example:123","verificationMethod":[{"id":"#key-1","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}],"authentication":["#key-1"]}""");

        Assert.Null(document.FindAuthorized(VerificationRelationship.AssertionMethod, DidUrl.Parse("did:example:123#key-1")));
    }

    [Fact]
    public void An_embedded_method_is_authorized_for_its_relationship()
    {
        var document = Parse("""{"id":"did:example:123","assertionMethod":[{"id":"#key-2","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}]}""");

        Assert.NotNull(document.FindAuthorized(VerificationRelationship.AssertionMethod, DidUrl.Parse("did:example:123#key-2")));
    }

    [Theory]
    [InlineData("""[]""", "the document is not a JSON object")]
    [InlineData("""{"id":"nope"}""", "id: must be a DID")]
    [InlineData("""{"id":"did:example:123","controller":"x"}""", "controller: must be a DID or an array of DIDs")]
    [InlineData("""{"id":"did:example:123","verificationMethod":{}}""", "verificationMethod: must be an array of at most 256 objects")]
    [InlineData("""{"id":"did:example:123","verificationMethod":[{"id":"k","type":"Multikey","controller":"did:example:123"}]}""", "verificationMethod[0].id: must be a DID URL")]
    [InlineData("""{"id":"did:example:123","verificationMethod":[{"id":"#k","controller":"did:example:123"}]}""", "verificationMethod[0].type: must be a non-empty string")]
    [InlineData("""{"id":"did:example:123","verificationMethod":[{"id":"#k","type":"JsonWebKey","controller":"did:example:123","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"AA","d":"AA"}}]}""", "verificationMethod[0].publicKeyJwk: must not carry the private member 'd'")]
    [InlineData("""{"id":"did:example:123","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:example:123"},{"id":"#k","type":"Multikey","controller":"did:example:123"}]}""", "verificationMethod[1].id: duplicates an earlier method's id")]
    [InlineData("""{"id":"did:example:123","authentication":[7]}""", "authentication[0]: must be a DID URL or an embedded verification method")]
    [InlineData("""{"id":"did:example:123","service":[{"id":"#s","type":"X"}]}""", "service[0].serviceEndpoint: must be a string, a map, or an array of them")]
    public void An_invalid_document_is_refused_naming_where(string json, string expected)
    {
        Assert.Equal(expected, ErrorOf(json));
    }

    [Fact]
    public void A_document_with_a_duplicate_member_is_refused()
    {
        Assert.StartsWith("not JSON", ErrorOf("""{"id":"did:example:123","id":"did:example:456"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_document_is_refused_before_parsing()
    {
        Assert.Equal($"the document is larger than {DidDocument.MaxJsonBytes} bytes", ErrorOf(new string(' ', DidDocument.MaxJsonBytes + 1)));
    }

    [Fact]
    public void A_deeply_nested_document_is_refused()
    {
        Assert.StartsWith("not JSON", ErrorOf($"{{\"id\":\"{Did}\",\"x\":{new string('[', 100)}{new string(']', 100)}}}"), StringComparison.Ordinal);
    }
}
