using System.Net.Http.Json;
using System.Text.Json;
using IdentityEhr.Api.Log;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// The service on the embedded chain anchors its log: events → checkpoint → anchor → the receipt served over HTTP is extended,
/// and <c>ehr audit verify --rpc</c> accepts it; <c>ehr log anchors</c> and <c>/health</c> show the anchoring.
/// </summary>
public sealed class AnchoredServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestSchema _schema = null!;
    private RunningService _service = null!;
    private AuditLogOptions _log = null!;
    private AnchoringOptions _anchoring = null!;
    private List<AuditEntry> _entries = null!;
    private string _directory = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _schema = await postgres.CreateSchemaAsync(nameof(AnchoredServiceTests), ct);
        _log = new AuditLogOptions("anchored.test/audit", PrivateKey.Generate(KeyType.Ed25519), TimeSpan.FromMilliseconds(100));
        var variables = new Dictionary<string, string>
        {
            [AnchoringOptions.PeriodVariable] = "200",
            [AnchoringOptions.PollVariable] = "100",
            [AnchoringOptions.FinalityVariable] = "1",
        };
        _anchoring = AnchoringOptions.Read(variables.GetValueOrDefault, dataDirectory: null, embeddedChain: true);

        // The embedded chain (its own anvil, contracts deployed, the service identity provisioned) on the shared PostgreSQL.
        _service = await RunningService.StartAsync(new EhrSettings { PostgresConnectionString = _schema.ConnectionString }, ct, _log, _anchoring);
        var store = _service.Services.GetRequiredService<AuditLogService>().Store;
        _entries = [.. Enumerable.Range(0, 12).Select(n => new AuditEntry
        {
            Type = AuditEventType.AccessGranted,
            Id = Guid.CreateVersion7(),
            Time = AuditEntry.EntryTime(DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(n)),
            Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
            Purpose = "TREAT",
        })];
        await store.AppendAsync("patient:anchored-service-tests", ExpectedVersion.Any, _entries, ct);
        _directory = Directory.CreateTempSubdirectory("ehr-anchored-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        _log.Dispose();
        _anchoring.Dispose();
        await _schema.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Rpc => _service.Infrastructure.Chain.Rpc.ToString();

    private string Contract => _service.Infrastructure.Chain.Contracts!.AuditAnchor.ToString();

    private string ServiceDid => _service.Services.GetRequiredService<AnchoringService>().ServiceDid!;

    private EhrCli Cli => new(new Dictionary<string, string> { ["EHR_URL"] = _service.BaseAddress.ToString() });

    [Fact]
    public async Task The_served_receipt_is_extended_and_ehr_audit_verify_accepts_it_against_the_chain()
    {
        var path = await AnchoredReceiptFileAsync(_entries[4].Id);
        var (exit, output, error) = await Cli.RunAsync("audit", "verify", path, "--rpc", Rpc, "--did", ServiceDid, "--contract", Contract, "--finality", "1");
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(exit == 0, output + error);
        Assert.Contains("valid: event", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);

        var (jsonExit, json, _) = await Cli.RunAsync("audit", "verify", path, "--rpc", Rpc, "--did", ServiceDid, "--contract", Contract, "--finality", "1", "--json");
        using var document = JsonDocument.Parse(json);
        Assert.Equal((0, true), (jsonExit, document.RootElement.GetProperty("valid").GetBoolean()));
        Assert.All(document.RootElement.GetProperty("checks").EnumerateObject(), c => Assert.True(c.Value.GetBoolean(), c.Name));
    }

    [Fact]
    public async Task A_doctored_receipt_fails_with_the_check_named_and_exit_1()
    {
        var path = await AnchoredReceiptFileAsync(_entries[2].Id);
        Assert.True(AuditReceipt.TryParse(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), out var receipt, out _));
        var doctored = Path.Combine(_directory, "doctored.json");
        await File.WriteAllBytesAsync(doctored, (receipt with { Anchor = receipt.Anchor! with { TreeSize = receipt.Anchor.TreeSize + 5 } }).ToJson(), TestContext.Current.CancellationToken);

        var (exit, output, _) = await Cli.RunAsync("audit", "verify", doctored, "--rpc", Rpc, "--did", ServiceDid, "--contract", Contract, "--finality", "1");
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(1, exit);
        Assert.Contains("INVALID (AnchorEvent)", output, StringComparison.Ordinal);
        Assert.Contains("FAILED  Anchored event in a canonical block", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_log_verify_with_rpc_holds_every_anchor_against_the_served_log()
    {
        await AnchoredReceiptFileAsync(_entries[0].Id);
        var (exit, output, error) = await Cli.RunAsync("log", "verify", "--rpc", Rpc, "--did", ServiceDid, "--contract", Contract);
        TestContext.Current.TestOutputHelper?.WriteLine(output);

        Assert.True(exit == 0, output + error);
        Assert.Contains("anchors consistent", output, StringComparison.Ordinal);

        var (missing, _, usage) = await Cli.RunAsync("log", "verify", "--rpc", Rpc, "--did", ServiceDid);
        Assert.Equal(2, missing);
        Assert.Contains("--rpc needs --contract", usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_options_without_rpc_are_a_usage_error()
    {
        var path = await AnchoredReceiptFileAsync(_entries[0].Id);
        var (exit, _, error) = await Cli.RunAsync("audit", "verify", path, "--key", _log.Signer.VerifierKey.ToString(), "--contract", Contract);

        Assert.Equal(2, exit);
        Assert.Contains("give --rpc", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("did", "--rpc needs --did")]
    [InlineData("contract", "--rpc needs --contract")]
    [InlineData("node", "cannot check the anchor")]
    public async Task Missing_trust_or_an_unreachable_node_is_one_line_and_its_exit_code(string missing, string message)
    {
        var path = await AnchoredReceiptFileAsync(_entries[0].Id);
        var expected = missing == "node" ? 3 : 2;
        var (exit, _, error) = missing switch
        {
            "did" => await Cli.RunAsync("audit", "verify", path, "--rpc", Rpc, "--contract", Contract),
            "contract" => await Cli.RunAsync("audit", "verify", path, "--rpc", Rpc, "--did", ServiceDid),
            _ => await Cli.RunAsync("audit", "verify", path, "--rpc", "http://127.0.0.1:9", "--did", ServiceDid, "--contract", Contract),
        };
        Assert.Equal(expected, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_log_anchors_and_health_show_the_anchoring()
    {
        await AnchoredReceiptFileAsync(_entries[0].Id);
        var (exit, output, _) = await Cli.RunAsync("log", "anchors");
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(0, exit);
        Assert.Contains("confirmed", output, StringComparison.Ordinal);

        using var health = JsonDocument.Parse(await _service.Client.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken));
        var anchoring = health.RootElement.GetProperty("anchoring");
        Assert.Equal(ServiceDid, anchoring.GetProperty("serviceDid").GetString());
        Assert.True(anchoring.GetProperty("anchoredTreeSize").GetUInt64() >= (ulong)_entries.Count);
        Assert.True(anchoring.GetProperty("status").GetString() is "current" or "lagging", anchoring.ToString());

        var anchors = await _service.Client.GetFromJsonAsync<JsonElement>(new Uri("/log/anchors?limit=5", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains(anchors.EnumerateArray(), a => a.GetProperty("status").GetString() == "confirmed" && a.GetProperty("gasUsed").GetUInt64() > 21_000);
    }

    /// <summary>Polls the receipt endpoint until the receipt is extended, and writes it to a file.</summary>
    private async Task<string> AnchoredReceiptFileAsync(Guid eventId)
    {
        var ct = TestContext.Current.CancellationToken;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var response = await _service.Client.GetAsync(new Uri($"/log/receipts/{eventId}", UriKind.Relative), ct);
            if (response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                if (AuditReceipt.TryParse(body, out var receipt, out _) && receipt.Anchor is not null)
                {
                    var path = Path.Combine(_directory, $"{eventId}.json");
                    await File.WriteAllBytesAsync(path, body, ct);
                    return path;
                }
            }

            await Task.Delay(100, ct);
        }

        throw new InvalidOperationException("the receipt was not extended within 30 s");
    }
}
