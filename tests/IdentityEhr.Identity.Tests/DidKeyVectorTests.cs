using System.Text.Json;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;
using SimpleBase;

namespace IdentityEhr.Identity.Tests;

/// <summary>
/// Every vector of shared/vectors/did-key (w3c-ccg/did-method-key test-vectors, W3C Software and Document License).
/// The vectors use the 2018/2019 suites; we compare key bytes, ids and relationships, not document text.
/// </summary>
public sealed class DidKeyVectorTests
{
    private static readonly string[] s_files = ["ed25519-x25519.json", "secp256k1.json", "nist-curves.json"];

    public static TheoryData<string, string> Dids()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in s_files)
        {
            using var document = Vectors.ReadJson($"did-key/{file}");
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                data.Add(file, entry.Name);
            }
        }

        using var x25519 = Vectors.ReadJson("did-key/x25519.json");
        foreach (var entry in x25519.RootElement.GetProperty("didDocument").EnumerateObject())
        {
            data.Add("x25519.json", entry.Name);
        }

        return data;
    }

    private static JsonElement Vector(string file, string did)
    {
        using var document = Vectors.ReadJson($"did-key/{file}");
        var root = file == "x25519.json" ? document.RootElement.GetProperty("didDocument") : document.RootElement;
        return root.GetProperty(did).Clone();
    }

    private static DidDocument ExpectedDocument(string file, string did)
    {
        var vector = Vector(file, did);
        var json = file == "x25519.json" ? vector : vector.GetProperty("didDocument");
        Assert.True(DidDocument.TryParse(json.GetRawText(), out var document, out var error), error);
        return document;
    }

    private static PrivateKey? VectorPrivateKey(string file, string did)
    {
        var vector = Vector(file, did);
        if (file == "ed25519-x25519.json")
        {
            return PrivateKey.Import(KeyType.Ed25519, Convert.FromHexString(vector.GetProperty("seed").GetString()!));
        }

        // The EC vectors give the private key either as raw base58 or as a private JWK, under one of two names.
        var pair = vector.TryGetProperty("verificationKeyPair", out var p) ? p : vector.TryGetProperty("verificationMethod", out var m) ? m : default;
        if (pair.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (pair.TryGetProperty("privateKeyJwk", out var jwk))
        {
            Assert.True(JsonWebKey.TryImportPrivate(jwk, out var key, out var error), error.Describe());
            return key;
        }

        var type = file == "secp256k1.json" ? KeyType.Secp256k1 : KeyType.P256;
        return PrivateKey.Import(type, Base58.Bitcoin.Decode(pair.GetProperty("privateKeyBase58").GetString()!));
    }

    private static Dictionary<string, string> KeysById(IEnumerable<VerificationMethod> methods) =>
        methods.ToDictionary(m => m.Id.ToString(), m => Assert.IsType<PublicKey>(m.TryGetPublicKey(out var k, out _) ? k : null).ExportMultikey());

    [Theory]
    [MemberData(nameof(Dids))]
    public void The_vector_key_gives_the_vector_did(string file, string did)
    {
        using var key = VectorPrivateKey(file, did);
        var publicKey = key?.PublicKey ?? ExpectedDocument(file, did).VerificationMethods[0].TryGetPublicKey(out var k, out _) switch { _ => k! };

        Assert.Equal(did, DidKey.Create(publicKey).ToString());
    }

    [Theory]
    [MemberData(nameof(Dids))]
    public void Resolution_gives_the_vector_verification_methods_and_key_bytes(string file, string did)
    {
        var expected = ExpectedDocument(file, did);

        var resolved = DidKey.Resolve(Did.Parse(did), DidResolutionOptions.Default).DidDocument!;

        Assert.Equal(KeysById(expected.VerificationMethods), KeysById(resolved.VerificationMethods));
    }

    [Theory]
    [MemberData(nameof(Dids))]
    public void Resolution_gives_the_vector_relationships(string file, string did)
    {
        var expected = ExpectedDocument(file, did);

        var resolved = DidKey.Resolve(Did.Parse(did), DidResolutionOptions.Default).DidDocument!;

        foreach (var relationship in VerificationRelationshipNames.All)
        {
            Assert.Equal(
                expected.Relationship(relationship).Select(r => r.Id.ToString()).Order(),
                resolved.Relationship(relationship).Select(r => r.Id.ToString()).Order());
        }
    }

    [Theory]
    [MemberData(nameof(Dids))]
    public void JsonWebKey2020_format_carries_the_same_keys(string file, string did)
    {
        var expected = ExpectedDocument(file, did);

        var resolved = DidKey.Resolve(Did.Parse(did), DidResolutionOptions.Default with { PublicKeyFormat = PublicKeyFormat.JsonWebKey2020 }).DidDocument!;

        Assert.Equal(KeysById(expected.VerificationMethods), KeysById(resolved.VerificationMethods));
    }

    [Fact]
    public void Seed_of_zeros_gives_the_pinned_did_and_key_agreement_key()
    {
        using var key = PrivateKey.Import(KeyType.Ed25519, new byte[32]);
        var document = DidKey.CreateDocument(key.PublicKey);

        Assert.Equal(
            ("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW"),
            (document.Id.ToString(), document.Relationship(VerificationRelationship.KeyAgreement)[0].Id.ToString()));
    }

    [Fact]
    public void Derived_x25519_private_key_matches_the_vector_key_agreement_key()
    {
        using var key = PrivateKey.Import(KeyType.Ed25519, new byte[32]);
        using var x25519 = key.ToX25519();
        var vector = Vector("ed25519-x25519.json", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp").GetProperty("keyAgreementKeyPair");

        Assert.Equal(
            (Convert.ToHexString(Base58.Bitcoin.Decode(vector.GetProperty("publicKeyBase58").GetString()!)), Convert.ToHexString(Base58.Bitcoin.Decode(vector.GetProperty("privateKeyBase58").GetString()!))),
            (Convert.ToHexString(x25519.PublicKey.Bytes), Convert.ToHexString(x25519.ExportSecret())));
    }
}
