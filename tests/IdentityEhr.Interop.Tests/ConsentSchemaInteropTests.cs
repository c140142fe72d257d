using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// specs/consent-credential.schema.json, checked by npm ajv 8.20.0 (JSON Schema 2020-12), agrees with our shape checks:
/// both accept the spec example and what we build, and both refuse each malformed variant.
/// </summary>
public sealed class ConsentSchemaInteropTests
{
    private const string Script = "tests/Interop/json-schema.mjs";
    private const string Schema = "specs/consent-credential.schema.json";

    private static JsonObject Built() => ConsentCredential.Create(
        "urn:uuid:9a0e4c1b-2f3d-4b5a-8c6d-7e8f9a0b1c2d",
        Did.Parse("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
        Did.Parse("did:ethr:0x539:0x5aeda56215b167893e80b4fe645ba6d5bab767de"),
        new ConsentScope(["Observation"], ["obs-1"]),
        ["TREAT"],
        DateTimeOffset.UnixEpoch.AddYears(56),
        null,
        new BitstringStatusListEntry(null, "revocation", 12, "https://ehr.example/status/1"));

    private static readonly (string Member, string Value)[] s_variants =
    [
        ("type", "[\"VerifiableCredential\"]"),
        ("issuer", "\"https://patient.example\""),
        ("credentialSubject", "{\"id\":\"provider\",\"recordTypes\":[\"Observation\"],\"purposeOfUse\":[\"TREAT\"]}"),
        ("credentialSubject", "{\"id\":\"did:example:a\",\"purposeOfUse\":[\"TREAT\"]}"),
        ("credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[],\"recordIds\":[],\"purposeOfUse\":[\"TREAT\"]}"),
        ("credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[\"observation\"],\"purposeOfUse\":[\"TREAT\"]}"),
        ("credentialSubject", "{\"id\":\"did:example:a\",\"recordIds\":[\"a/b\"],\"purposeOfUse\":[\"TREAT\"]}"),
        ("credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[\"Observation\"],\"purposeOfUse\":[]}"),
        ("credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[\"Observation\"],\"purposeOfUse\":[\"HMARKETING\"]}"),
        ("credentialStatus", "{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"suspension\",\"statusListIndex\":\"1\",\"statusListCredential\":\"https://x/1\"}"),
        ("credentialStatus", "{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\",\"statusListIndex\":1,\"statusListCredential\":\"https://x/1\"}"),
        ("validFrom", "\"yesterday\""),
    ];

    private static bool Ours(JsonNode document) =>
        VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(document), out var credential, out _) && ConsentCredential.TryRead(credential, out _, out _);

    [Fact]
    public async Task Ajv_and_our_checks_agree_on_the_example_what_we_build_and_each_malformed_variant()
    {
        var documents = new List<JsonNode> { JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "specs/examples/consent-credential.json")))!, Built() };
        foreach (var (member, value) in s_variants)
        {
            var variant = Built();
            variant[member] = JsonNode.Parse(value);
            documents.Add(variant);
        }

        var theirs = JsonSerializer.Deserialize<bool[]>(await NodeScript.RunAsync(
            Script, [Path.Combine(RepositoryPaths.Root, Schema)], new JsonArray([.. documents.Select(d => d.DeepClone())]).ToJsonString(), TestContext.Current.CancellationToken))!;

        Assert.Equal([true, true], theirs[..2]);
        Assert.All(theirs[2..], Assert.False);
        Assert.Equal(theirs, documents.Select(Ours).ToArray());
    }
}
