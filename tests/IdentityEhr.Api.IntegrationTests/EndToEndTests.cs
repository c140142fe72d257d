using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Api.Access;
using IdentityEhr.Api.Log;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Emergency;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Embedded;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Ethereum.Transactions;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// Issue 9's whole story over real HTTP, on the embedded chain (its own anvil, contracts deployed, anchoring on) and real
/// PostgreSQL: a did:key patient driven through the <c>ehr</c> CLI and a did:ethr provider driven by its own code (ES256K
/// request proofs and vp+jwt, an X25519 key published on the ERC-1056 registry). Stored → denied without consent → consented →
/// granted and decrypted → revoked → denied → break-glass → erased; then every step is in the history (JSON and FHIR), and
/// every event's receipt is anchored and passes <c>ehr audit verify --rpc</c>.
/// </summary>
public sealed class EndToEndTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly byte[] s_observation = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));
    private readonly PrivateKey _provider = PrivateKey.Generate(KeyType.Secp256k1);
    private readonly PrivateKey _providerAgreement = PrivateKey.Generate(KeyType.X25519);
    private readonly PrivateKey _accreditor = PrivateKey.Generate(KeyType.Ed25519);
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-e2e-").FullName;
    private TestSchema _schema = null!;
    private RunningService _service = null!;
    private AuditLogOptions _log = null!;
    private AnchoringOptions _anchoring = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ProviderDid => $"did:ethr:0x{_service.Infrastructure.Chain.ChainId:x}:{Address.FromPublicKey(_provider.PublicKey.Bytes).ToChecksumString()}";

    private string ProviderKeyId => ProviderDid + "#controller";

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(EndToEndTests), Ct);
        _log = new AuditLogOptions("e2e.test/audit", PrivateKey.Generate(KeyType.Ed25519), TimeSpan.FromMilliseconds(100));
        var variables = new Dictionary<string, string>
        {
            [AnchoringOptions.PeriodVariable] = "300",
            [AnchoringOptions.PollVariable] = "100",
            [AnchoringOptions.FinalityVariable] = "1",
        };
        _anchoring = AnchoringOptions.Read(variables.GetValueOrDefault, dataDirectory: null, embeddedChain: true);
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString }, Ct, _log, _anchoring,
            accreditors: new AccreditorOptions([DidKey.Create(_accreditor.PublicKey).ToString()], null));
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        _log.Dispose();
        _anchoring.Dispose();
        await _schema.DisposeAsync();
        _provider.Dispose();
        _providerAgreement.Dispose();
        _accreditor.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Path(string name) => System.IO.Path.Combine(_directory, name);

    private async Task<string> PatientAsync(params string[] args)
    {
        var (exit, output, error) = await new EhrCli(new Dictionary<string, string>
        {
            ["EHR_WALLET"] = Path("patient.json"),
            ["EHR_WALLET_PASSPHRASE"] = "synthetic",
            ["EHR_URL"] = _service.BaseAddress.ToString(),
        }).RunAsync(args);
        Assert.True(exit == 0, $"ehr {string.Join(' ', args)} → {exit}: {error}");
        return output;
    }

    /// <summary>The provider's own code: a request signed with its did:ethr controller key (ES256K).</summary>
    private async Task<HttpResponseMessage> ProviderSendAsync(HttpMethod method, string path, byte[]? body, string contentType = "application/json")
    {
        var uri = new Uri(_service.BaseAddress, path);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        request.Headers.TryAddWithoutValidation("Authorization", "DID " + RequestProof.Create(_provider, ProviderKeyId, method.Method, uri, body ?? [], DateTimeOffset.UtcNow));
        return await _service.Client.SendAsync(request, Ct);
    }

    /// <summary>The provider presents credentials (a vp+jwt by its controller key) for a fresh challenge.</summary>
    private async Task<HttpResponseMessage> ProviderAccessAsync(string recordId, JsonNode[] credentials, string purpose, string? reason = null)
    {
        using var challengeResponse = await _service.Client.PostAsync(new Uri(_service.BaseAddress, "/access/challenges"), new StringContent("{}"), Ct);
        var challenge = JsonDocument.Parse(await challengeResponse.Content.ReadAsStringAsync(Ct)).RootElement;
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = ProviderDid,
            ["verifiableCredential"] = new JsonArray([.. credentials.Select(c => c.DeepClone())]),
        };
        var vp = JoseCredentials.SignPresentation(presentation, _provider, ProviderKeyId, challenge.GetProperty("challenge").GetString()!, challenge.GetProperty("domain").GetString()!);
        var body = new JsonObject { ["presentation"] = vp, ["purpose"] = purpose };
        if (reason is not null)
        {
            body["reason"] = reason;
        }

        var path = reason is null ? $"/records/{recordId}/access" : $"/records/{recordId}/emergency-access";
        return await _service.Client.PostAsync(new Uri(_service.BaseAddress, path), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
    }

    private byte[] Open(string releaseJson)
    {
        Assert.True(RecordRelease.TryParse(Encoding.UTF8.GetBytes(releaseJson), out var release, out var error), error);
        Assert.Equal(RecordOpenError.None, release.TryOpen(_providerAgreement, out var plaintext));
        return plaintext;
    }

    /// <summary>The provider's did:ethr: funded on the embedded chain, with its X25519 key-agreement key published on the registry.</summary>
    private async Task ProvisionProviderAsync()
    {
        var chain = _service.Infrastructure.Chain;
        using var client = new EthereumRpcClient(chain.Rpc);
        var account = Address.FromPublicKey(_provider.PublicKey.Bytes);
        await new AnvilControl(client).SetBalanceAsync(account, BigInteger.Pow(10, 20), Ct);
        var secret = _provider.ExportSecret();
        using var sender = new TransactionSender(client, chain.ChainId, secret);
        var call = EthereumDidRegistry.SetAttributeCall(account, "did/pub/X25519/enc/base64", _providerAgreement.PublicKey.Bytes, 86_400);
        Assert.True((await sender.SendAsync(chain.Contracts!.DidRegistry, call, cancellationToken: Ct)).Succeeded);
    }

    [Fact]
    public async Task The_whole_story_is_in_the_log_the_history_and_anchored_receipts()
    {
        // Identities: the patient's wallet did:key, the provider's did:ethr; both register with the service.
        var patient = JsonDocument.Parse(await PatientAsync("did", "create", "--type", "ed25519", "--json")).RootElement.GetProperty("did").GetString()!;
        await PatientAsync("register", "patient");
        await ProvisionProviderAsync();
        using (var registered = await ProviderSendAsync(HttpMethod.Post, "/providers", null))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        // 1. The provider stores a record for the patient.
        string recordId;
        using (var stored = await ProviderSendAsync(HttpMethod.Post, $"/records?patient={patient}", s_observation, "application/fhir+json"))
        {
            Assert.True(stored.StatusCode == HttpStatusCode.Created, await stored.Content.ReadAsStringAsync(Ct));
            recordId = JsonDocument.Parse(await stored.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("record").GetString()!;
        }

        // 2. Without consent: denied, with the reason, as an event.
        using (var denied = await ProviderAccessAsync(recordId, [], "TREAT"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Equal("NoConsent", JsonDocument.Parse(await denied.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString());
        }

        // 3. The patient publishes a revocation list, issues a consent to the provider and registers it.
        var listUrl = new Uri(_service.BaseAddress, "/status-lists/e2e-patient").ToString();
        await PatientAsync("status-list", "create", "--id", listUrl, "--out", Path("list.json"));
        await PatientAsync("status-list", "publish", Path("list.json"));
        await PatientAsync("consent", "issue", "--grantee", ProviderDid, "--record-type", "Observation", "--purpose", "TREAT",
            "--status-list", listUrl, "--status-index", "42", "--out", Path("consent.json"));
        await PatientAsync("consent", "register", Path("consent.json"));
        var consent = JsonNode.Parse(await File.ReadAllTextAsync(Path("consent.json"), Ct))!;

        // 4. With consent: granted, and the provider opens the exact bytes with its own X25519 key.
        using (var granted = await ProviderAccessAsync(recordId, [consent], "TREAT"))
        {
            var body = await granted.Content.ReadAsStringAsync(Ct);
            Assert.True(granted.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal(s_observation, Open(body));
        }

        // 5. The patient revokes; the next access is denied at once.
        Assert.Contains("revoked", await PatientAsync("consent", "revoke", Path("consent.json"), "--list", Path("list.json"), "--publish"), StringComparison.Ordinal);
        using (var revoked = await ProviderAccessAsync(recordId, [consent], "TREAT"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
            Assert.Equal("Revoked", JsonDocument.Parse(await revoked.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString());
        }

        Assert.Contains("revoked", await PatientAsync("consent", "list"), StringComparison.Ordinal);

        // 6. Break-glass under an accreditation: granted, logged as EmergencyAccess with the reason's hash only.
        var now = DateTimeOffset.UtcNow;
        var accreditorDid = DidKey.Create(_accreditor.PublicKey);
        var accreditation = EddsaJcs2022.Sign(
            AccreditationCredential.Create($"urn:uuid:{Guid.NewGuid()}", accreditorDid, Identity.Dids.Did.Parse(ProviderDid), ["ETREAT"], now.AddMinutes(-1), now.AddDays(1)),
            new ProofOptions($"{accreditorDid}#{_accreditor.PublicKey.ExportMultikey()}", ProofOptions.AssertionMethod, now), _accreditor);
        const string Reason = "synthetic: unconscious patient in the emergency room";
        using (var emergency = await ProviderAccessAsync(recordId, [accreditation], "ETREAT", Reason))
        {
            var body = await emergency.Content.ReadAsStringAsync(Ct);
            Assert.True(emergency.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal(s_observation, Open(body));
        }

        // 7. The patient erases the record.
        Assert.Contains("keys and ciphertexts destroyed", await PatientAsync("record", "erase", recordId), StringComparison.Ordinal);
        using (var gone = await ProviderAccessAsync(recordId, [consent], "TREAT"))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }

        // Every step is in the patient's history, newest first, each with a receipt that verifies.
        string[] story = ["RecordErased", "EmergencyAccess", "AccessDenied", "ConsentRevoked", "AccessGranted", "ConsentRegistered", "AccessDenied", "RecordStored"];
        JsonElement history = default;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            history = JsonDocument.Parse(await PatientAsync("history", "--verify", "--json")).RootElement;
            if (history.GetProperty("items").GetArrayLength() == story.Length && history.GetProperty("items").EnumerateArray().All(i => i.GetProperty("receiptValid").GetBoolean()))
            {
                break;
            }

            await Task.Delay(200, Ct);
        }

        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(story, items.Select(i => i.GetProperty("type").GetString()));
        Assert.All(items, i => Assert.True(i.GetProperty("receiptValid").GetBoolean(), i.GetProperty("receiptCheck").GetString()));
        Assert.Equal(["Revoked", "NoConsent"], items.Where(i => i.GetProperty("type").GetString() == "AccessDenied").Select(i => i.GetProperty("reason").GetString()));
        Assert.Equal("ETREAT", items[1].GetProperty("purpose").GetString());
        Assert.All(items.Where(i => i.GetProperty("type").GetString()!.StartsWith("Access", StringComparison.Ordinal) || i.GetProperty("type").GetString() == "EmergencyAccess"),
            i => Assert.Equal(ProviderDid, i.GetProperty("actor").GetString()));

        // The reason is in the log only as its hash.
        var emergencyEntry = await ReceiptEntryAsync(items[1].GetProperty("event").GetGuid());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Reason))), emergencyEntry.Evidence!.StatedReason);
        Assert.DoesNotContain("unconscious", Encoding.UTF8.GetString(emergencyEntry.ToCanonicalBytes()), StringComparison.Ordinal);

        // The same history as a FHIR AuditEvent Bundle: one AuditEvent per event.
        var fhir = JsonDocument.Parse(await PatientAsync("history", "--fhir")).RootElement;
        Assert.Equal("Bundle", fhir.GetProperty("resourceType").GetString());
        Assert.Equal(story.Length, fhir.GetProperty("entry").GetArrayLength());
        Assert.All(fhir.GetProperty("entry").EnumerateArray(), e => Assert.Equal("AuditEvent", e.GetProperty("resource").GetProperty("resourceType").GetString()));

        // Each receipt, once anchored, passes ehr audit verify against the chain.
        var rpc = _service.Infrastructure.Chain.Rpc.ToString();
        var contract = _service.Infrastructure.Chain.Contracts!.AuditAnchor.ToString();
        var serviceDid = _service.Services.GetRequiredService<AnchoringService>().ServiceDid!;
        foreach (var item in items)
        {
            var file = await AnchoredReceiptFileAsync(item.GetProperty("event").GetGuid());
            var (exit, output, error) = await new EhrCli(new Dictionary<string, string>()).RunAsync(
                "audit", "verify", file, "--rpc", rpc, "--did", serviceDid, "--contract", contract, "--finality", "1");
            Assert.True(exit == 0, $"{item.GetProperty("type")}: {output}{error}");
            Assert.Contains("valid: event", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ehr_demo_tells_the_whole_story_against_the_running_service()
    {
        // The demo's accreditor key is the one this service trusts (as the embedded defaults' accreditor.key is).
        var keyFile = Path("accreditor.key");
        await File.WriteAllTextAsync(keyFile, _accreditor.ExportMultikey() + "\n", Ct);

        var (exit, output, error) = await new EhrCli(new Dictionary<string, string> { ["EHR_URL"] = _service.BaseAddress.ToString() })
            .RunAsync("demo", "--accreditor-key", keyFile, "--anchor-wait", "60");

        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(exit == 0, output + error);
        foreach (var expected in new[]
        {
            "event RecordStored", "refused, as it should be: ", "access is denied: NoConsent", "event ConsentRegistered", "event AccessGranted", "event ConsentRevoked",
            "access is denied: Revoked", "event EmergencyAccess", "event RecordErased", "8 event(s); every receipt verified", "anchor final", "Done:",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("RECEIPT INVALID", output, StringComparison.Ordinal);
    }

    private async Task<AuditLog.Entries.AuditEntry> ReceiptEntryAsync(Guid eventId)
    {
        var bytes = await _service.Client.GetByteArrayAsync(new Uri(_service.BaseAddress, $"/log/receipts/{eventId}"), Ct);
        Assert.True(AuditReceipt.TryParse(bytes, out var receipt, out var error), error?.ToString());
        return receipt.Verify(_log.Signer.VerifierKey, null).Entry!;
    }

    /// <summary>Waits until the service serves the event's receipt extended to an anchor, and writes it to a file.</summary>
    private async Task<string> AnchoredReceiptFileAsync(Guid eventId)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var response = await _service.Client.GetAsync(new Uri(_service.BaseAddress, $"/log/receipts/{eventId}"), Ct);
            if (response.IsSuccessStatusCode)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
                if (AuditReceipt.TryParse(bytes, out var receipt, out _) && receipt.Anchor is not null)
                {
                    var file = Path($"{eventId}.receipt.json");
                    await File.WriteAllBytesAsync(file, bytes, Ct);
                    return file;
                }
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException($"no anchored receipt for {eventId.ToString("D", CultureInfo.InvariantCulture)} within 30 s");
    }
}
