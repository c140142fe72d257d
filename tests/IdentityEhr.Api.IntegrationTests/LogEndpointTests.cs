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

    private static TreeHash Parse(string base64) => TreeHash.TryParseBase64(base64, out var hash) ? hash : throw new FormatException(base64);
}
