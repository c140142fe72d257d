using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Testing;

namespace IdentityEhr.Credentials.Tests;

/// <summary>
/// eddsa-jcs-2022 step by step against shared/vectors/eddsa-jcs-2022 (w3c/vc-di-eddsa TestVectors, W3C Software and Document
/// License), then every refusal and tampering.
/// </summary>
public sealed class EddsaJcs2022Tests
{
    private const string Dir = "eddsa-jcs-2022";
    private static readonly DateTimeOffset s_created = DateTimeOffset.Parse("2023-02-24T23:36:38Z", System.Globalization.CultureInfo.InvariantCulture);

    private static PrivateKey VectorKey()
    {
        using var pair = Vectors.ReadJson($"{Dir}/keyPair.json");
        Assert.True(PrivateKey.TryImportMultikey(pair.RootElement.GetProperty("privateKeyMultibase").GetString(), out var key, out var error), error.ToString());
        Assert.Equal(pair.RootElement.GetProperty("publicKeyMultibase").GetString(), key.PublicKey.ExportMultikey());
        return key;
    }

    private static string VerificationMethod(PublicKey key) => $"did:key:{key.ExportMultikey()}#{key.ExportMultikey()}";

    private static JsonObject Unsigned() => JsonNode.Parse(Vectors.ReadText($"{Dir}/unsigned.json"))!.AsObject();

    private static JsonElement Signed() => JsonDocument.Parse(Vectors.ReadText($"{Dir}/signedJCS.json")).RootElement;

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public void Step_1_the_document_canonicalizes_and_hashes_as_the_vector()
    {
        var canonical = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(Vectors.ReadText($"{Dir}/unsigned.json")));

        Assert.Equal(Vectors.ReadText($"{Dir}/canonDocJCS.txt").Trim(), Encoding.UTF8.GetString(canonical));
        Assert.Equal(Vectors.ReadText($"{Dir}/docHashJCS.txt").Trim(), Hex(SHA256.HashData(canonical)));
    }

    [Fact]
    public void Step_2_the_proof_configuration_carries_the_context_and_hashes_as_the_vector()
    {
        using var key = VectorKey();
        var options = new ProofOptions(VerificationMethod(key.PublicKey), ProofOptions.AssertionMethod, s_created);
        var signed = EddsaJcs2022.Sign(Unsigned(), options, key);
        var configuration = signed["proof"]!.DeepClone().AsObject();
        configuration.Remove("proofValue");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Vectors.ReadText($"{Dir}/proofConfigJCS.json")), configuration));
        var canonical = JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToUtf8Bytes(configuration));
        Assert.Equal(Vectors.ReadText($"{Dir}/proofCanonJCS.txt").Trim(), Encoding.UTF8.GetString(canonical));
        Assert.Equal(Vectors.ReadText($"{Dir}/proofHashJCS.txt").Trim(), Hex(SHA256.HashData(canonical)));
    }

    [Fact]
    public void Step_3_hash_data_is_proof_hash_then_document_hash()
    {
        var proof = Encoding.UTF8.GetBytes(Vectors.ReadText($"{Dir}/proofCanonJCS.txt").Trim());
        var document = Encoding.UTF8.GetBytes(Vectors.ReadText($"{Dir}/canonDocJCS.txt").Trim());

        Assert.Equal(Vectors.ReadText($"{Dir}/combinedHashJCS.txt").Trim(), Hex(EddsaJcs2022.HashData(proof, document)));
    }

    [Fact]
    public void Step_4_the_signature_and_proof_value_match_the_vector()
    {
        using var key = VectorKey();
        var hashData = Convert.FromHexString(Vectors.ReadText($"{Dir}/combinedHashJCS.txt").Trim());
        var signature = key.Sign(hashData);

        Assert.Equal(Vectors.ReadText($"{Dir}/sigHexJCS.txt").Trim(), Hex(signature));
        Assert.Equal(Vectors.ReadText($"{Dir}/sigBTC58JCS.txt").Trim(), Multibase.EncodeBase58Btc(signature));
    }

    [Fact]
    public void Step_5_signing_the_unsigned_credential_gives_the_signed_vector()
    {
        using var key = VectorKey();
        var signed = EddsaJcs2022.Sign(Unsigned(), new ProofOptions(VerificationMethod(key.PublicKey), ProofOptions.AssertionMethod, s_created), key);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Vectors.ReadText($"{Dir}/signedJCS.json")), signed));
    }

    [Fact]
    public void Step_6_the_signed_vector_verifies_and_its_proof_is_read()
    {
        using var key = VectorKey();

        Assert.True(EddsaJcs2022.TryVerify(Signed(), key.PublicKey, out var proof, out var error), error.ToString());
        Assert.Equal(EddsaJcs2022.Name, proof!.Cryptosuite);
        Assert.Equal(ProofOptions.AssertionMethod, proof.ProofPurpose);
        Assert.Equal(VerificationMethod(key.PublicKey), proof.VerificationMethod);
        Assert.Equal(s_created, proof.Created);
        Assert.Null(proof.Challenge);
    }

    [Fact]
    public void Presentation_proofs_carry_challenge_domain_and_expiry()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var options = new ProofOptions(VerificationMethod(key.PublicKey), ProofOptions.Authentication, s_created)
        {
            Challenge = "c-123",
            Domain = "ehr.example",
            Expires = s_created.AddMinutes(5),
        };
        var presentation = new JsonObject { ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"), ["type"] = "VerifiablePresentation" };

        var signed = JsonSerializer.SerializeToElement(EddsaJcs2022.Sign(presentation, options, key));

        Assert.True(EddsaJcs2022.TryVerify(signed, key.PublicKey, out var proof, out _));
        Assert.Equal(("c-123", "ehr.example", s_created.AddMinutes(5)), (proof!.Challenge, proof.Domain, proof.Expires!.Value));
        Assert.False(presentation.ContainsKey("proof"));
    }

    public static TheoryData<string, DataIntegrityError> Tamperings() => new()
    {
        { "$.name=Forged", DataIntegrityError.SignatureInvalid },
        { "$.proof.created=2023-02-24T23:36:39Z", DataIntegrityError.SignatureInvalid },
        { "$.proof.proofPurpose=authentication", DataIntegrityError.SignatureInvalid },
        { "$.proof.challenge=added", DataIntegrityError.SignatureInvalid },
        { "$.proof.proofValue=z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aY", DataIntegrityError.SignatureInvalid },
        { "$.proof.proofValue=u2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX", DataIntegrityError.InvalidProofValue },
        { "$.proof.proofValue=z2HnFSSPPBz", DataIntegrityError.InvalidProofValue },
        { "$.proof.proofValue=z0OIl", DataIntegrityError.InvalidProofValue },
        { "$.proof.cryptosuite=eddsa-rdfc-2022", DataIntegrityError.UnsupportedCryptosuite },
        { "$.proof.type=Ed25519Signature2020", DataIntegrityError.UnsupportedCryptosuite },
        { "$.proof.created=yesterday", DataIntegrityError.MalformedProof },
        { "$.proof.created=2023-02-24T23:36:38", DataIntegrityError.MalformedProof },
        { "$.proof.verificationMethod=", DataIntegrityError.None },
        { "$.@context=https://www.w3.org/ns/credentials/v2", DataIntegrityError.ContextMismatch },
        { "$.proof=", DataIntegrityError.ProofMissing },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void Tampering_is_refused_with_its_reason(string change, DataIntegrityError expected)
    {
        using var key = VectorKey();
        var document = JsonNode.Parse(Vectors.ReadText($"{Dir}/signedJCS.json"))!.AsObject();
        var (path, value) = (change[..change.IndexOf('=', StringComparison.Ordinal)], change[(change.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var target = path.StartsWith("$.proof.", StringComparison.Ordinal) ? document["proof"]!.AsObject() : document;
        var member = path[(path.LastIndexOf('.') + 1)..];
        if (value.Length == 0)
        {
            target.Remove(member);
            expected = expected == DataIntegrityError.None ? DataIntegrityError.MalformedProof : expected;
        }
        else
        {
            target[member] = value;
        }

        Assert.False(EddsaJcs2022.TryVerify(JsonSerializer.SerializeToElement(document), key.PublicKey, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_key_of_another_type_or_holder_is_refused()
    {
        using var secp = PrivateKey.Generate(KeyType.Secp256k1);
        using var other = PrivateKey.Generate(KeyType.Ed25519);

        Assert.False(EddsaJcs2022.TryVerify(Signed(), secp.PublicKey, out _, out var wrongType));
        Assert.False(EddsaJcs2022.TryVerify(Signed(), other.PublicKey, out _, out var wrongKey));
        Assert.Equal((DataIntegrityError.WrongKeyType, DataIntegrityError.SignatureInvalid), (wrongType, wrongKey));
        Assert.Throws<ArgumentException>(() => EddsaJcs2022.Sign(Unsigned(), new ProofOptions("did:key:z#z", "assertionMethod", null), secp));
    }

    [Fact]
    public void Documents_that_are_not_objects_or_have_duplicate_members_are_refused()
    {
        using var key = VectorKey();
        var duplicate = Vectors.ReadText($"{Dir}/signedJCS.json").Replace("\"name\":", "\"name\": \"x\", \"name\":", StringComparison.Ordinal);

        var signed = Vectors.ReadText($"{Dir}/signedJCS.json");
        var twoProofs = signed.Insert(signed.IndexOf("\"proof\"", StringComparison.Ordinal), "\"proof\": {\"type\": \"DataIntegrityProof\"},");
        Assert.False(EddsaJcs2022.TryVerify(JsonDocument.Parse(twoProofs).RootElement, key.PublicKey, out _, out var twoProofError));
        Assert.Equal(DataIntegrityError.MalformedDocument, twoProofError);
        Assert.False(EddsaJcs2022.TryVerify(JsonDocument.Parse("[1]").RootElement, key.PublicKey, out _, out var notObject));
        Assert.False(EddsaJcs2022.TryVerify(JsonDocument.Parse(duplicate).RootElement, key.PublicKey, out _, out var duplicated));
        Assert.Equal((DataIntegrityError.MalformedDocument, DataIntegrityError.MalformedDocument), (notObject, duplicated));
    }

    [Fact]
    public void Any_flipped_bit_in_a_signed_credential_fails_verification()
    {
        using var key = VectorKey();
        var compact = JsonSerializer.SerializeToUtf8Bytes(JsonNode.Parse(Vectors.ReadText($"{Dir}/signedJCS.json")));
        Assert.True(EddsaJcs2022.TryVerify(JsonDocument.Parse(compact).RootElement, key.PublicKey, out _, out _));

        Prop.ForAll(Arb.From(Gen.Choose(0, compact.Length - 1)), Arb.From(Gen.Choose(0, 7)), (index, bit) =>
        {
            var tampered = (byte[])compact.Clone();
            tampered[index] ^= (byte)(1 << bit);
            try
            {
                using var document = JsonDocument.Parse(tampered);
                return !EddsaJcs2022.TryVerify(document.RootElement, key.PublicKey, out _, out _);
            }
            catch (JsonException)
            {
                return true;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5_000).WithQuietOnSuccess(true));
    }
}
