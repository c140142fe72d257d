using System.Text.Json;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Api.Log;
using IdentityEhr.Embedded;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// The consent-gated read over real HTTP with the CLI on both sides: the patient publishes a status list and consents, the
/// provider stores a record and reads it (challenge → presentation → release → local decryption); revoked, it is denied.
/// </summary>
public sealed class ConsentGatedAccessTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-access-").FullName;
    private TestSchema _schema = null!;
    private RunningService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(ConsentGatedAccessTests), Ct);
        _service = await RunningService.StartAsync(new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _schema.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<string> RunAsync(string wallet, params string[] args)
    {
        var (exit, output, error) = await RunRawAsync(wallet, args);
        Assert.True(exit == 0, $"{string.Join(' ', args)} → {exit}: {error}");
        return output;
    }

    private Task<(int ExitCode, string Output, string Error)> RunRawAsync(string wallet, params string[] args) =>
        new EhrCli(new Dictionary<string, string>
        {
            ["EHR_WALLET"] = Path.Combine(_directory, wallet + ".json"),
            ["EHR_WALLET_PASSPHRASE"] = "synthetic",
            ["EHR_URL"] = _service.BaseAddress.ToString(),
        }).RunAsync(args);

    private string File(string name) => Path.Combine(_directory, name);

    [Fact]
    public async Task A_provider_reads_a_record_with_the_patients_consent_and_is_denied_once_it_is_revoked()
    {
        var patient = JsonDocument.Parse(await RunAsync("patient", "did", "create", "--type", "ed25519", "--json")).RootElement.GetProperty("did").GetString()!;
        var provider = JsonDocument.Parse(await RunAsync("provider", "did", "create", "--type", "ed25519", "--json")).RootElement.GetProperty("did").GetString()!;
        await RunAsync("patient", "register", "patient");
        await RunAsync("provider", "register", "provider");
        var listUrl = new Uri(_service.BaseAddress, "/status-lists/patient-consents").ToString();
        await RunAsync("patient", "status-list", "create", "--id", listUrl, "--ttl", "1", "--out", File("list.json"));
        await RunAsync("patient", "status-list", "publish", File("list.json"));
        await RunAsync("patient", "consent", "issue", "--grantee", provider, "--record-type", "Observation", "--purpose", "TREAT",
            "--status-list", listUrl, "--status-index", "7", "--out", File("consent.json"));
        var observation = Vectors.PathOf("fhir/Observation-f001.json");
        var recordId = JsonDocument.Parse(await RunAsync("provider", "record", "put", observation, "--patient", patient, "--json")).RootElement.GetProperty("record").GetString()!;

        var read = await RunAsync("provider", "record", "get", recordId, "--consent", File("consent.json"), "--purpose", "TREAT", "--out", File("read.json"));

        Assert.Contains($"record {recordId} version 1 (Observation", read, StringComparison.Ordinal);
        Assert.Equal(await System.IO.File.ReadAllBytesAsync(observation, Ct), await System.IO.File.ReadAllBytesAsync(File("read.json"), Ct));

        // Another purpose than the consent allows: denied, and the denial is an event naming the provider.
        var (otherPurpose, _, otherPurposeError) = await RunRawAsync("provider", "record", "get", recordId, "--consent", File("consent.json"), "--purpose", "HRESCH");
        Assert.Equal(1, otherPurpose);
        Assert.Contains("access is denied: PurposeNotAllowed", otherPurposeError, StringComparison.Ordinal);

        // Revoked: the patient sets the bit and publishes the list again; after the list's one-second ttl the read is denied.
        await RunAsync("patient", "consent", "revoke", File("consent.json"), "--list", File("list.json"));
        await RunAsync("patient", "status-list", "publish", File("list.json"));
        await Task.Delay(1_500, Ct);
        var (revoked, _, revokedError) = await RunRawAsync("provider", "record", "get", recordId, "--consent", File("consent.json"), "--purpose", "TREAT");
        Assert.Equal(1, revoked);
        Assert.Contains("access is denied: Revoked", revokedError, StringComparison.Ordinal);

        var store = _service.Services.GetRequiredService<AuditLogService>().Store;
        var events = new List<AuditEntry>();
        await foreach (var e in store.ReadStreamAsync($"patient:{patient}", 0, ReadDirection.Forward, 100, Ct))
        {
            events.Add(e.Entry);
        }

        Assert.Equal(
            [(AuditEventType.AccessGranted, null), (AuditEventType.AccessDenied, "PurposeNotAllowed"), (AuditEventType.AccessDenied, "Revoked")],
            events.Select(e => (e.Type, e.Reason)));
        Assert.All(events, e => Assert.Equal((provider, recordId), (e.Actor, e.Record)));
    }

    [Fact]
    public async Task Presentations_that_do_not_authenticate_their_holder_are_refused_without_an_event()
    {
        var patient = JsonDocument.Parse(await RunAsync("patient", "did", "create", "--type", "ed25519", "--json")).RootElement.GetProperty("did").GetString()!;
        await RunAsync("provider", "did", "create", "--type", "ed25519");
        await RunAsync("patient", "register", "patient");
        await RunAsync("provider", "register", "provider");
        var recordId = JsonDocument.Parse(await RunAsync("provider", "record", "put", Vectors.PathOf("fhir/Observation-f001.json"), "--patient", patient, "--json"))
            .RootElement.GetProperty("record").GetString()!;
        var before = (await _service.Services.GetRequiredService<AuditLogService>().Store.Log.GetTreeStateAsync(Ct)).TreeSize;

        var cases = new (string Body, System.Net.HttpStatusCode Status, string Type)[]
        {
            ("{\"presentation\":{\"type\":[\"VerifiablePresentation\"]},\"purpose\":\"TREAT\"}", System.Net.HttpStatusCode.Unauthorized, "presentation-refused"),
            ("{\"presentation\":\"a.b.c\",\"purpose\":\"TREAT\"}", System.Net.HttpStatusCode.Unauthorized, "presentation-refused"),
            ("{\"presentation\":{},\"purpose\":\"TRE AT\"}", System.Net.HttpStatusCode.BadRequest, "bad-request"),
            ("{\"purpose\":\"TREAT\"}", System.Net.HttpStatusCode.BadRequest, "bad-request"),
            ("not json", System.Net.HttpStatusCode.BadRequest, "bad-request"),
        };
        foreach (var (body, status, type) in cases)
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            var response = await _service.Client.PostAsync(new Uri($"/records/{recordId}/access", UriKind.Relative), content, Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.EndsWith("/" + type, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        using var unknown = new StringContent("{\"presentation\":{},\"purpose\":\"TREAT\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _service.Client.PostAsync(new Uri($"/records/{Guid.CreateVersion7()}/access", UriKind.Relative), unknown, Ct)).StatusCode);
        Assert.Equal(before, (await _service.Services.GetRequiredService<AuditLogService>().Store.Log.GetTreeStateAsync(Ct)).TreeSize);
    }
}
