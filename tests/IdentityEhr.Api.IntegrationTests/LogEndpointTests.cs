using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using IdentityEhr.Api.Log;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The audit log's read API over real HTTP, on a log of its own schema.</summary>
public sealed class LogEndpointTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private const int Events = 300;
    private const string Origin = "test.identityehr/audit";
    private TestSchema _schema = null!;
    private RunningService _service = null!;
    private AuditLogOptions _options = null!;
    private List<AuditEntry> _entries = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _schema = await postgres.CreateSchemaAsync(nameof(LogEndpointTests), ct);
        _options = new AuditLogOptions(Origin, PrivateKey.Generate(KeyType.Ed25519), TimeSpan.FromMilliseconds(100));
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, ct, _options);
        var store = _service.Services.GetRequiredService<AuditLogService>().Store;
        _entries = [.. Enumerable.Range(0, Events).Select(Sample)];
        foreach (var chunk in _entries.Chunk(100))
        {
            await store.AppendAsync("patient:log-endpoint-tests", ExpectedVersion.Any, chunk, ct);
        }

        // Wait for the checkpointer to cover everything.
        while ((await store.Log.LatestCheckpointAsync(ct))?.Checkpoint.TreeSize != Events)
        {
            await Task.Delay(50, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        _options.Dispose();
        await _schema.DisposeAsync();
    }

    private static AuditEntry Sample(int n) => new()
    {
        Type = AuditEventType.AccessDenied,
        Id = Guid.CreateVersion7(),
        Time = AuditEntry.EntryTime(DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(n)),
        Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
        Reason = "NoConsent",
    };

    private Task<HttpResponseMessage> GetAsync(string path) =>
        _service.Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    private async Task<SignedCheckpoint> CheckpointAsync()
    {
        var text = await _service.Client.GetStringAsync(new Uri("/log/checkpoint", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(SignedCheckpoint.TryParse(text, out var checkpoint, out var error), error.ToString());
        return checkpoint;
    }

    [Fact]
    public async Task Checkpoint_is_signed_by_the_published_log_key_under_the_configured_origin()
    {
        var vkey = (await _service.Client.GetStringAsync(new Uri("/log/key", UriKind.Relative), TestContext.Current.CancellationToken)).Trim();
        Assert.True(NoteVerifierKey.TryParse(vkey, out var key, out _));

        var checkpoint = await CheckpointAsync();

        Assert.Equal(CheckpointError.None, checkpoint.Verify(Origin, key));
        Assert.Equal((ulong)Events, checkpoint.Checkpoint.TreeSize);
    }

    [Fact]
    public async Task Tiles_and_bundles_rebuild_the_checkpointed_root_as_any_tlog_client_would()
    {
        var checkpoint = (await CheckpointAsync()).Checkpoint;
        var leaves = new List<TreeHash>();
        foreach (var path in new[] { "/log/tile/entries/000", "/log/tile/entries/001.p/44" })
        {
            using var response = await GetAsync(path);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            var bundle = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            for (var offset = 0; offset < bundle.Length;)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(offset));
                leaves.Add(TreeHash.OfLeaf(bundle.AsSpan(offset + 2, length)));
                offset += 2 + length;
            }
        }

        var tile0 = await _service.Client.GetByteArrayAsync(new Uri("/log/tile/0/000", UriKind.Relative), TestContext.Current.CancellationToken);
        var tile1 = await _service.Client.GetByteArrayAsync(new Uri("/log/tile/0/001.p/44", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(Events, leaves.Count);
        Assert.Equal(leaves.SelectMany(l => l.ToArray()), tile0.Concat(tile1));
        var root = AuditLog.Tiles.TileAppender.Empty.Append([.. leaves], out _).Root();
        Assert.Equal(checkpoint.RootHash, root);
    }

    [Fact]
    public async Task Inclusion_and_consistency_proofs_verify_against_the_checkpoint()
    {
        var checkpoint = (await CheckpointAsync()).Checkpoint;
        var ct = TestContext.Current.CancellationToken;
        var store = _service.Services.GetRequiredService<AuditLogService>().Store;

        var inclusion = (await _service.Client.GetFromJsonAsync<ProofResponse>(new Uri("/log/proof/inclusion?index=123", UriKind.Relative), ct))!;
        var consistency = (await _service.Client.GetFromJsonAsync<ProofResponse>(new Uri("/log/proof/consistency?old=100", UriKind.Relative), ct))!;
        var oldRoot = (await store.Log.RootAtAsync(100, ct))!.Value;

        Assert.True(new InclusionProof(123, checkpoint.TreeSize, [.. inclusion.Hashes.Select(Parse)]).Verify(_entries[123].LeafHash(), checkpoint.RootHash).IsValid);
        Assert.True(new ConsistencyProof(100, checkpoint.TreeSize, [.. consistency.Hashes.Select(Parse)]).Verify(oldRoot, checkpoint.RootHash).IsValid);
    }

    [Fact]
    public async Task Receipt_verifies_offline_with_the_log_key()
    {
        var entry = _entries[200];

        using var response = await GetAsync($"/log/receipts/{entry.Id}");
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(AuditReceipt.TryParse(body, out var receipt, out var error), error);
        Assert.Equal(ReceiptFailure.None, receipt.Verify(_options.Signer.VerifierKey, Origin).Failure);
        Assert.Equal(200UL, receipt.LeafIndex);
    }

    [Theory]
    [InlineData("/log/tile/0/5", HttpStatusCode.BadRequest)]
    [InlineData("/log/tile/0/x000/005", HttpStatusCode.BadRequest)]
    [InlineData("/log/tile/0/001.p/45", HttpStatusCode.NotFound)]
    [InlineData("/log/tile/0/002", HttpStatusCode.NotFound)]
    [InlineData("/log/tile/entries/002", HttpStatusCode.NotFound)]
    [InlineData("/log/tile/entries/x036/x028/x797/x018/x963/968", HttpStatusCode.NotFound)]
    [InlineData("/log/tile/0/x009/x223/x372/x036/x854/x775/808", HttpStatusCode.NotFound)]
    [InlineData("/log/tile/63/x018/x446/x744/x073/x709/x551/615.p/255", HttpStatusCode.NotFound)]
    [InlineData("/log/proof/inclusion", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/inclusion?index=300", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/inclusion?index=01", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/inclusion?index=1&index=2", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/inclusion?index=18446744073709551615", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/inclusion?index=5&size=999999", HttpStatusCode.NotFound)]
    [InlineData("/log/proof/consistency?old=0", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/consistency?old=301", HttpStatusCode.BadRequest)]
    [InlineData("/log/proof/consistency?old=-1", HttpStatusCode.BadRequest)]
    [InlineData("/log/receipts/not-a-uuid", HttpStatusCode.BadRequest)]
    [InlineData("/log/receipts/00000000-0000-0000-0000-000000000000", HttpStatusCode.NotFound)]
    public async Task Bad_requests_get_problem_details_never_a_500(string path, HttpStatusCode expected)
    {
        using var response = await GetAsync(path);

        Assert.Equal((expected, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
    }

    private EhrCli Cli => new(new Dictionary<string, string> { ["EHR_URL"] = _service.BaseAddress.ToString() });

    private string Key => _options.Signer.VerifierKey.ToString();

    [Fact]
    public async Task Ehr_log_checkpoint_checks_the_signature_with_the_given_key()
    {
        var (exit, output, _) = await Cli.RunAsync("log", "checkpoint", "--key", Key);

        Assert.Equal(0, exit);
        Assert.Contains("signature: valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_log_checkpoint_with_another_key_fails_with_exit_1()
    {
        using var other = PrivateKey.Generate(KeyType.Ed25519);

        var (exit, _, error) = await Cli.RunAsync("log", "checkpoint", "--key", new NoteSigner(Origin, other).VerifierKey.ToString());

        Assert.Equal((1, "ehr: the checkpoint is not signed by --key"), (exit, error));
    }

    [Fact]
    public async Task Ehr_log_proof_inclusion_and_consistency_verify_against_the_checkpoint()
    {
        var inclusion = await Cli.RunAsync("log", "--key", Key, "proof", "inclusion", "--index", "123");
        var consistency = await Cli.RunAsync("log", "--key", Key, "proof", "consistency", "--old", "100", "--json");

        Assert.Equal(0, inclusion.ExitCode);
        Assert.Contains("verified against the signed checkpoint", inclusion.Output, StringComparison.Ordinal);
        Assert.Equal(0, consistency.ExitCode);
        Assert.Contains("\"verified\": true", consistency.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_log_verify_finds_the_log_intact_over_HTTP_and_in_the_database()
    {
        var http = await Cli.RunAsync("log", "verify", "--key", Key);
        var database = await Cli.RunAsync("log", "verify", "--key", Key, "--database", _schema.ConnectionString);

        Assert.Equal(0, http.ExitCode);
        Assert.StartsWith("intact — tree size 300: 300 entries", http.Output, StringComparison.Ordinal);
        Assert.Equal(0, database.ExitCode);
        Assert.StartsWith("intact — tree size 300: 300 entries", database.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_log_verify_reports_an_event_changed_in_SQL_and_where()
    {
        await SqlAsync("UPDATE events SET entry = replace(convert_from(entry, 'UTF8'), 'NoConsent', 'Revoked')::bytea WHERE position = 42");

        var http = await Cli.RunAsync("log", "verify", "--key", Key);
        var database = await Cli.RunAsync("log", "verify", "--key", Key, "--database", _schema.ConnectionString);

        Assert.Equal(1, http.ExitCode);
        Assert.Contains("tile/0/000: hash 42 differs from the leaf hash of entry 42", http.Output, StringComparison.Ordinal);
        Assert.Contains("checkpoint 300: its root", http.Output, StringComparison.Ordinal);
        Assert.Equal(1, database.ExitCode);
        Assert.Contains("event 42: its leaf hash differs from hash 42 of tile tile/0/000", database.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_log_verify_reports_a_tile_changed_in_SQL_while_the_entries_still_match_the_checkpoint()
    {
        await SqlAsync("UPDATE tiles SET hashes = set_byte(hashes, 0, get_byte(hashes, 0) # 1) WHERE level = 0 AND idx = 1");

        var (exit, output, _) = await Cli.RunAsync("log", "verify", "--key", Key, "--json");

        Assert.Equal(1, exit);
        Assert.Contains("\"where\": \"tile/0/001\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"where\": \"checkpoint", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehr_audit_verify_accepts_a_receipt_and_names_the_failed_check_of_a_tampered_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = await _service.Client.GetByteArrayAsync(new Uri($"/log/receipts/{_entries[7].Id}", UriKind.Relative), ct);
        var file = Path.Combine(Path.GetTempPath(), $"receipt-{Guid.NewGuid():N}.json");
        var tampered = file + ".tampered";
        await File.WriteAllBytesAsync(file, body, ct);
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        json["leafIndex"] = 8;
        await File.WriteAllTextAsync(tampered, json.ToJsonString(), ct);
        try
        {
            var good = await Cli.RunAsync("audit", "verify", file, "--key", Key);
            var bad = await Cli.RunAsync("audit", "verify", tampered, "--key", Key);
            var missing = await Cli.RunAsync("audit", "verify", file + ".none", "--key", Key);

            Assert.Equal(0, good.ExitCode);
            Assert.Contains("valid: the event is in the log", good.Output, StringComparison.Ordinal);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("FAILED  inclusion proof", bad.Output, StringComparison.Ordinal);
            Assert.Equal(2, missing.ExitCode);
        }
        finally
        {
            File.Delete(file);
            File.Delete(tampered);
        }
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static TreeHash Parse(string base64) => TreeHash.TryParseBase64(base64, out var hash) ? hash : throw new FormatException(base64);
}
