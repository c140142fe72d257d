using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// <c>vc+jwt</c> with did:ethr issuers on a real anvil and ERC-1056 registry, against did-jwt-vc 4.0.16 with ethr-did-resolver
/// 11.1.3: the controller signs ES256K and its DID document names only its account (<c>EcdsaSecp256k1RecoveryMethod2020</c>), so
/// both sides recover the key from the signature.
/// </summary>
public sealed class VcJwtEthrInteropTests(AnvilFixture anvil) : IAsyncLifetime
{
    private const string Script = "tests/Interop/did-jwt-vc.mjs";
    private DeployedContracts _contracts = null!;
    private EthrDid _ethr = null!;
    private DidResolver _resolver = null!;

    public async ValueTask InitializeAsync()
    {
        _contracts = await anvil.DeployContractsAsync(TestContext.Current.CancellationToken);
        _ethr = new EthrDid([new EthrNetwork("dev", anvil.ChainId, anvil.Rpc, _contracts.DidRegistry)], TimeProvider.System);
        _resolver = new DidResolver([new DidKey(), _ethr], TimeProvider.System);
    }

    public ValueTask DisposeAsync()
    {
        _ethr.Dispose();
        return ValueTask.CompletedTask;
    }

    private JsonObject Network => new()
    {
        ["rpcUrl"] = anvil.Rpc.ToString(), ["registry"] = _contracts.DidRegistry.ToString(), ["chainId"] = anvil.ChainId, ["name"] = "dev",
    };

    private Did EthrDidOf(PrivateKey key) => Did.Parse($"did:ethr:0x{anvil.ChainId:x}:{Address.FromPublicKey(key.PublicKey.Bytes).ToChecksumString()}");

    private static async Task<JsonElement> RunAsync(string mode, JsonObject input) =>
        JsonDocument.Parse(await NodeScript.RunAsync(Script, [mode], input.ToJsonString(), TestContext.Current.CancellationToken)).RootElement.Clone();

    private static string Now(int minutes) => DateTimeOffset.UtcNow.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject V1Payload(Did issuer) => new()
    {
        ["@context"] = new JsonArray(VerifiableCredential.V1Context),
        ["type"] = new JsonArray("VerifiableCredential"),
        ["issuer"] = issuer.ToString(),
        ["issuanceDate"] = Now(-1),

        // did-jwt-vc moves the subject's id to sub and refuses a subject left empty.
        ["credentialSubject"] = new JsonObject { ["id"] = "did:example:synthetic-subject", ["note"] = "synthetic" },
    };

    [Fact]
    public async Task Credentials_a_did_ethr_issuer_signs_with_us_verify_in_did_jwt_vc_and_in_ours()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);
        var did = EthrDidOf(key);
        var credential = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["type"] = new JsonArray("VerifiableCredential", "ExampleCredential"),
            ["issuer"] = did.ToString(),
            ["validFrom"] = Now(-1),
            ["credentialSubject"] = new JsonObject { ["id"] = "did:example:synthetic-subject" },
        };
        var jwt = JoseCredentials.SignCredential(credential, key, $"{did}#controller");

        var theirs = await RunAsync("verify-credential", new JsonObject { ["jwt"] = jwt, ["ethr"] = Network, ["policies"] = new JsonObject { ["format"] = false } });
        var ours = await JoseCredentials.VerifyAsync(jwt, VerificationRelationship.AssertionMethod, _resolver, TestContext.Current.CancellationToken);

        Assert.False(theirs.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(did.ToString(), theirs.GetProperty("issuer").GetString());
        Assert.True(ours.Verified, ours.Error.ToString());
        Assert.Equal(did, ours.Signer);
    }

    [Fact]
    public async Task Credentials_did_jwt_vc_signs_for_a_did_ethr_issuer_verify_in_ours()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);
        var did = EthrDidOf(key);

        var created = await RunAsync("create-credential", new JsonObject
        {
            ["payload"] = V1Payload(did),
            ["issuer"] = new JsonObject { ["did"] = did.ToString(), ["alg"] = "ES256K", ["privateKeyHex"] = Convert.ToHexStringLower(key.ExportSecret()), ["kid"] = $"{did}#controller" },
        });
        var jwt = created.GetProperty("jwt").GetString()!;
        var ours = await JoseCredentials.VerifyAsync(jwt, VerificationRelationship.AssertionMethod, _resolver, TestContext.Current.CancellationToken);

        Assert.True(ours.Verified, ours.Error.ToString());
        Assert.Equal(did, ours.Signer);

        using var stranger = PrivateKey.Generate(KeyType.Secp256k1);
        var forged = await RunAsync("create-credential", new JsonObject
        {
            ["payload"] = V1Payload(did),
            ["issuer"] = new JsonObject { ["did"] = did.ToString(), ["alg"] = "ES256K", ["privateKeyHex"] = Convert.ToHexStringLower(stranger.ExportSecret()), ["kid"] = $"{did}#controller" },
        });
        Assert.True(forged.TryGetProperty("jwt", out _), forged.ToString());
        var refused = await JoseCredentials.VerifyAsync(forged.GetProperty("jwt").GetString()!, VerificationRelationship.AssertionMethod, _resolver, TestContext.Current.CancellationToken);
        Assert.Equal(JoseError.SignatureInvalid, refused.Error);
    }

    [Fact]
    public async Task Presentations_a_did_ethr_holder_signs_with_us_verify_in_did_jwt_vc()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);
        var did = EthrDidOf(key);
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = did.ToString(),
        };
        var jwt = JoseCredentials.SignPresentation(presentation, key, $"{did}#controller", "challenge-1", "ehr.example");

        var theirs = await RunAsync("verify-presentation", new JsonObject
        {
            ["jwt"] = jwt, ["challenge"] = "challenge-1", ["domain"] = "ehr.example", ["ethr"] = Network, ["policies"] = new JsonObject { ["format"] = false },
        });
        var ours = await JoseCredentials.VerifyAsync(jwt, VerificationRelationship.Authentication, _resolver, TestContext.Current.CancellationToken);

        Assert.False(theirs.TryGetProperty("error", out var error), error.ToString());
        Assert.True(ours.Verified, ours.Error.ToString());
    }
}
