using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// A released record against npm jose 6.2.17 and WebCrypto (tests/Interop/jose.mjs): what the vault releases opens with them
/// alone, given the associated data as specs/vault.md states it, and what they seal and release opens in ours.
/// </summary>
public sealed class RecordReleaseInteropTests
{
    private const string Script = "tests/Interop/jose.mjs";
    private const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
    private const string Provider = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    private static readonly byte[] s_record = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));

    private static async Task<JsonElement> RunAsync(string mode, JsonObject input) =>
        JsonDocument.Parse(await NodeScript.RunAsync(Script, [mode], input.ToJsonString(), TestContext.Current.CancellationToken)).RootElement.Clone();

    private static StoredRecord Stored(string recordId, int version, byte[] ciphertext) =>
        new(recordId, version, Patient, Provider, "Observation", ContentId.Of(ciphertext).Text, ciphertext.Length, Guid.CreateVersion7(), 0, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task A_release_we_make_opens_with_jose_and_webcrypto(int version)
    {
        using var requester = PrivateKey.Generate(KeyType.X25519);
        var recordId = Guid.CreateVersion7().ToString();
        var dataKey = RecordCipher.NewDataKey();
        var ciphertext = RecordCipher.Seal(dataKey, new RecordAddress(recordId, Patient, "Observation", version), s_record);
        var release = RecordRelease.Create(Stored(recordId, version, ciphertext), ciphertext, dataKey, new RecordRecipient(requester.PublicKey, Provider + "#ka"), Guid.Empty);
        CryptographicOperations.ZeroMemory(dataKey);

        var opened = await RunAsync("record-open", new JsonObject
        {
            ["jwe"] = release.Jwe,
            ["jwk"] = JsonWebKey.ExportPrivate(requester),
            ["ciphertextB64"] = Base64UrlText.Encode(ciphertext),
            ["recordId"] = recordId,
            ["patient"] = Patient,
            ["resourceType"] = "Observation",
            ["version"] = version,
        });

        Assert.False(opened.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(Base64UrlText.Encode(s_record), opened.GetProperty("plaintextB64").GetString());
        Assert.Equal("jwk+json", opened.GetProperty("header").GetProperty("cty").GetString());
        Assert.Equal(Provider + "#ka", opened.GetProperty("header").GetProperty("kid").GetString());
    }

    [Fact]
    public async Task Jose_and_webcrypto_refuse_a_release_under_another_address()
    {
        using var requester = PrivateKey.Generate(KeyType.X25519);
        var recordId = Guid.CreateVersion7().ToString();
        var dataKey = RecordCipher.NewDataKey();
        var ciphertext = RecordCipher.Seal(dataKey, new RecordAddress(recordId, Patient, "Observation", 1), s_record);
        var release = RecordRelease.Create(Stored(recordId, 1, ciphertext), ciphertext, dataKey, new RecordRecipient(requester.PublicKey, Provider + "#ka"), Guid.Empty);

        var opened = await RunAsync("record-open", new JsonObject
        {
            ["jwe"] = release.Jwe,
            ["jwk"] = JsonWebKey.ExportPrivate(requester),
            ["ciphertextB64"] = Base64UrlText.Encode(ciphertext),
            ["recordId"] = recordId,
            ["patient"] = Patient,
            ["resourceType"] = "Observation",
            ["version"] = 2,
        });

        Assert.True(opened.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task A_record_jose_and_webcrypto_seal_and_release_opens_in_ours()
    {
        using var requester = PrivateKey.Generate(KeyType.X25519);
        var recordId = Guid.CreateVersion7().ToString();

        var sealedRecord = await RunAsync("record-seal", new JsonObject
        {
            ["jwk"] = JsonWebKey.ExportPublic(requester.PublicKey),
            ["kid"] = Provider + "#ka",
            ["plaintextB64"] = Base64UrlText.Encode(s_record),
            ["recordId"] = recordId,
            ["patient"] = Patient,
            ["resourceType"] = "Observation",
            ["version"] = 3,
        });

        Assert.True(Base64UrlText.TryDecode(sealedRecord.GetProperty("ciphertextB64").GetString(), out var ciphertext));
        var release = new RecordRelease(Stored(recordId, 3, ciphertext), ciphertext, sealedRecord.GetProperty("jwe").GetString()!, Guid.Empty);
        Assert.Equal(RecordOpenError.None, release.TryOpen(requester, out var plaintext));
        Assert.Equal(s_record, plaintext);
        Assert.Equal(RecordOpenError.AssociatedDataMismatch, (release with { Record = release.Record with { Version = 4 } }).TryOpen(requester, out _));
        Assert.Equal(RecordOpenError.AssociatedDataMismatch, (release with { Record = release.Record with { ResourceType = "Condition" } }).TryOpen(requester, out _));
    }
}
