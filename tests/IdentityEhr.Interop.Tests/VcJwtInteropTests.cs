using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// <c>vc+jwt</c> / <c>vp+jwt</c> against did-jwt-vc 4.0.16 on did-jwt 8.0.18 (tests/Interop/did-jwt-vc.mjs) with did:key issuers,
/// EdDSA and ES256K, in both directions. did-jwt-vc knows only the VC 1.1 context, so it verifies our VC 2.0 payloads with its
/// format policy off (signature, iss, nbf/exp, nonce/aud are still checked); we read its 1.1 JWTs.
/// </summary>
public sealed class VcJwtInteropTests
{
    private const string Script = "tests/Interop/did-jwt-vc.mjs";
    private static readonly DidResolver s_resolver = new([new DidKey()], TimeProvider.System);

    public static TheoryData<KeyType, string> Algorithms => new() { { KeyType.Ed25519, "EdDSA" }, { KeyType.Secp256k1, "ES256K" } };

    private static async Task<JsonElement> RunAsync(string mode, JsonObject input) =>
        JsonDocument.Parse(await NodeScript.RunAsync(Script, [mode], input.ToJsonString(), TestContext.Current.CancellationToken)).RootElement.Clone();

    private static string KeyId(PrivateKey key) => $"{DidKey.Create(key.PublicKey)}#{key.PublicKey.ExportMultikey()}";

    private static JsonObject Credential(Did issuer) => new()
    {
        ["@context"] = new JsonArray(VerifiableCredential.V2Context),
        ["id"] = "urn:uuid:5f1c0d6e-4b7a-4f3e-9d2c-1a0b9c8d7e6f",
        ["type"] = new JsonArray("VerifiableCredential", "ExampleCredential"),
        ["issuer"] = issuer.ToString(),
        ["validFrom"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["validUntil"] = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["credentialSubject"] = new JsonObject { ["id"] = "did:example:synthetic-subject", ["note"] = "synthetic" },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Credentials_we_sign_verify_in_did_jwt_vc(KeyType type, string algorithm)
    {
        using var key = PrivateKey.Generate(type);
        var did = DidKey.Create(key.PublicKey);
        var jwt = JoseCredentials.SignCredential(Credential(did), key, KeyId(key));

        var result = await RunAsync("verify-credential", new JsonObject { ["jwt"] = jwt, ["policies"] = new JsonObject { ["format"] = false } });

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.True(result.GetProperty("verified").GetBoolean());
        Assert.Equal(did.ToString(), result.GetProperty("issuer").GetString());
        Assert.Equal(algorithm, result.GetProperty("header").GetProperty("alg").GetString());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Presentations_we_sign_verify_in_did_jwt_vc_with_challenge_and_domain(KeyType type, string algorithm)
    {
        using var issuer = PrivateKey.Generate(KeyType.Ed25519);
        using var holder = PrivateKey.Generate(type);
        var credential = JoseCredentials.SignCredential(Credential(DidKey.Create(issuer.PublicKey)), issuer, KeyId(issuer));
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = DidKey.Create(holder.PublicKey).ToString(),
            ["verifiableCredential"] = new JsonArray(new JsonObject
            {
                ["@context"] = new JsonArray(VerifiableCredential.V2Context),
                ["id"] = $"data:application/vc+jwt,{credential}",
                ["type"] = "EnvelopedVerifiableCredential",
            }),
        };
        var jwt = JoseCredentials.SignPresentation(presentation, holder, KeyId(holder), "challenge-1", "ehr.example");

        var result = await RunAsync("verify-presentation", new JsonObject
        {
            ["jwt"] = jwt, ["challenge"] = "challenge-1", ["domain"] = "ehr.example", ["policies"] = new JsonObject { ["format"] = false },
        });
        var wrongChallenge = await RunAsync("verify-presentation", new JsonObject
        {
            ["jwt"] = jwt, ["challenge"] = "challenge-2", ["domain"] = "ehr.example", ["policies"] = new JsonObject { ["format"] = false },
        });

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal((true, algorithm), (result.GetProperty("verified").GetBoolean(), result.GetProperty("header").GetProperty("alg").GetString()));
        Assert.Contains("challenge", wrongChallenge.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Credentials_did_jwt_vc_signs_verify_in_ours(KeyType type, string algorithm)
    {
        using var key = PrivateKey.Generate(type);
        var did = DidKey.Create(key.PublicKey);
        var payload = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V1Context),
            ["id"] = "urn:uuid:0c9a8b7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
            ["type"] = new JsonArray("VerifiableCredential", "ExampleCredential"),
            ["issuer"] = did.ToString(),
            ["issuanceDate"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["credentialSubject"] = new JsonObject { ["id"] = "did:example:synthetic-subject", ["note"] = "synthetic" },
        };

        var created = await RunAsync("create-credential", new JsonObject
        {
            ["payload"] = payload,
            ["issuer"] = new JsonObject { ["did"] = did.ToString(), ["alg"] = algorithm, ["privateKeyHex"] = Convert.ToHexStringLower(key.ExportSecret()), ["kid"] = KeyId(key) },
        });
        var verification = await JoseCredentials.VerifyAsync(created.GetProperty("jwt").GetString()!, VerificationRelationship.AssertionMethod, s_resolver, TestContext.Current.CancellationToken);

        Assert.True(verification.Verified, verification.Error.ToString());
        Assert.True(VerifiableCredential.TryRead(verification.Document!.Value, out var credential, out var readError), readError.ToString());
        Assert.Equal((1, did.ToString(), "urn:uuid:0c9a8b7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"), (credential.Version, credential.Issuer, credential.Id));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Presentations_did_jwt_vc_signs_verify_in_ours(KeyType type, string algorithm)
    {
        using var key = PrivateKey.Generate(type);
        var did = DidKey.Create(key.PublicKey);

        var created = await RunAsync("create-presentation", new JsonObject
        {
            ["payload"] = new JsonObject
            {
                ["@context"] = new JsonArray(VerifiableCredential.V1Context),
                ["type"] = new JsonArray("VerifiablePresentation"),
                ["verifiableCredential"] = new JsonArray(),
            },
            ["holder"] = new JsonObject { ["did"] = did.ToString(), ["alg"] = algorithm, ["privateKeyHex"] = Convert.ToHexStringLower(key.ExportSecret()), ["kid"] = KeyId(key) },
            ["challenge"] = "challenge-1",
            ["domain"] = "ehr.example",
        });
        var verification = await JoseCredentials.VerifyAsync(created.GetProperty("jwt").GetString()!, VerificationRelationship.Authentication, s_resolver, TestContext.Current.CancellationToken);

        Assert.True(verification.Verified, verification.Error.ToString());
        Assert.Equal("challenge-1", verification.Claims!.Value.GetProperty("nonce").GetString());
        Assert.Equal("ehr.example", verification.Claims!.Value.GetProperty("aud")[0].GetString());
        Assert.Equal(did.ToString(), verification.Document!.Value.GetProperty("holder").GetString());
    }
}
