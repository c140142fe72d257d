using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// eddsa-jcs-2022 against an independent implementation of the spec's algorithm (tests/Interop/eddsa-jcs-2022.mjs on npm
/// canonicalize 5.1.0, @noble/curves 2.4.0, multiformats 14.0.5): ours verifies there, theirs verifies here.
/// </summary>
public sealed class EddsaJcs2022InteropTests
{
    private const string Script = "tests/Interop/eddsa-jcs-2022.mjs";
    private static readonly DateTimeOffset s_created = DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture);

    private static JsonObject Credential(int i) => new()
    {
        ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"),
        ["id"] = $"urn:uuid:{Guid.CreateVersion7()}",
        ["type"] = new JsonArray("VerifiableCredential", "ExampleCredential"),
        ["issuer"] = "did:example:issuer",
        ["validFrom"] = "2026-01-01T00:00:00Z",
        ["credentialSubject"] = new JsonObject
        {
            ["id"] = "did:example:subject",
            ["note"] = $"synthetic {i} é€😂 \u0001 \"quoted\"",
            ["score"] = i * 0.1,
            ["big"] = 1e21 * i,
        },
    };

    [Fact]
    public async Task Proofs_we_make_verify_in_the_independent_implementation()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var multikey = key.PublicKey.ExportMultikey();
        var options = new ProofOptions($"did:key:{multikey}#{multikey}", ProofOptions.AssertionMethod, s_created);
        var signed = Enumerable.Range(0, 50).Select(i => EddsaJcs2022.Sign(Credential(i), options, key)).ToList();
        var tampered = signed[0].DeepClone().AsObject();
        tampered["issuer"] = "did:example:mallory";

        var input = new JsonArray([.. signed.Append(tampered).Select(d => (JsonNode)new JsonObject { ["document"] = d.DeepClone(), ["publicKeyMultibase"] = multikey })]);
        var results = JsonSerializer.Deserialize<bool[]>(await NodeScript.RunAsync(Script, ["verify"], input.ToJsonString(), TestContext.Current.CancellationToken))!;

        Assert.All(results[..^1], Assert.True);
        Assert.False(results[^1]);
    }

    [Fact]
    public async Task Proofs_the_independent_implementation_makes_verify_in_ours()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var key = PrivateKey.Import(KeyType.Ed25519, seed);
        var multikey = key.PublicKey.ExportMultikey();
        var request = new JsonObject
        {
            ["document"] = Credential(7),
            ["seedHex"] = Convert.ToHexStringLower(seed),
            ["verificationMethod"] = $"did:key:{multikey}#{multikey}",
            ["created"] = "2026-11-21T10:00:00Z",
        };

        var theirs = JsonDocument.Parse(await NodeScript.RunAsync(Script, ["sign"], request.ToJsonString(), TestContext.Current.CancellationToken)).RootElement;

        Assert.True(EddsaJcs2022.TryVerify(theirs, key.PublicKey, out var proof, out var error), error.ToString());
        Assert.Equal(s_created, proof!.Created);
    }
}
