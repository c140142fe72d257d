using System.Buffers.Binary;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;
using Npgsql;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>Tiles, bundles, proofs and checkpoints served from PostgreSQL, and tampering found by walking the log.</summary>
public sealed class LogStoreTests(PostgresFixture postgres)
{
    private const int Size = 1300; // Five full level-0 tiles and a partial one; one partial level-1 tile.

    private sealed class Log : IAsyncDisposable
    {
        public required TestSchema Schema { get; init; }

        public required EventStore Store { get; init; }

        public required NoteSigner Signer { get; init; }

        public required PrivateKey Key { get; init; }

        public async Task SqlAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(Schema.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await Schema.DisposeAsync();
            Key.Dispose();
        }
    }

    private async Task<Log> CreateLogAsync(int size = Size)
    {
        var ct = TestContext.Current.CancellationToken;
        var schema = await postgres.CreateSchemaAsync(nameof(LogStoreTests), ct);
        var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = schema.ConnectionString }, ct);
        var key = PrivateKey.Generate(KeyType.Ed25519);
        var signer = new NoteSigner("test.example/audit", key);
        for (var done = 0; done < size; done += 100)
        {
            await store.AppendAsync($"patient:{done % 300}", ExpectedVersion.Any, Entries.Many(Math.Min(100, size - done), offset: done), ct);
            if (done % 500 == 0)
            {
                await store.Log.CutCheckpointAsync(signer, ct);
            }
        }

        await store.Log.CutCheckpointAsync(signer, ct);
        return new Log { Schema = schema, Store = store, Signer = signer, Key = key };
    }

    [Fact]
    public async Task Served_tiles_and_bundles_equal_a_recomputation_from_the_events()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync();
        var entries = await log.Store.ReadAllAsync(0, ReadDirection.Forward, int.MaxValue, ct).Select(e => e.EntryBytes.ToArray()).ToListAsync(ct);
        TileAppender.Empty.Append([.. entries.Select(e => TreeHash.OfLeaf(e))], out var expected);

        foreach (var tile in expected)
        {
            var served = await log.Store.Log.ReadResourceAsync(new TileResource(false, tile.Id.Level, tile.Id.Index, tile.IsFull ? 0 : tile.Width), ct);
            Assert.Equal(tile.Hashes.ToArray(), served);
        }

        var bundle = await log.Store.Log.ReadResourceAsync(new TileResource(true, 0, 5, Size - 1280), ct);
        var offset = 0;
        for (var i = 1280; i < Size; i++)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(offset));
            Assert.Equal(entries[i], bundle.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        Assert.Equal(bundle!.Length, offset);
    }

    [Fact]
    public async Task Resources_beyond_the_tree_are_not_served()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync(300);

        Assert.Null(await log.Store.Log.ReadResourceAsync(new TileResource(false, 0, 1, 45), ct));
        Assert.Null(await log.Store.Log.ReadResourceAsync(new TileResource(false, 0, 2, 0), ct));
        Assert.Null(await log.Store.Log.ReadResourceAsync(new TileResource(true, 0, 1, 45), ct));
        Assert.NotNull(await log.Store.Log.ReadResourceAsync(new TileResource(false, 0, 1, 44), ct));
        Assert.NotNull(await log.Store.Log.ReadResourceAsync(new TileResource(false, 0, 1, 20), ct));
    }

    [Fact]
    public async Task Every_stored_checkpoint_verifies_and_is_consistent_with_the_latest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync();
        var latest = (await log.Store.Log.LatestCheckpointAsync(ct))!;

        foreach (var size in await log.Store.Log.CheckpointSizesAsync(ct))
        {
            var checkpoint = (await log.Store.Log.CheckpointAtAsync(size, ct))!;
            Assert.Equal(AuditLog.Checkpoints.CheckpointError.None, checkpoint.Verify("test.example/audit", log.Signer.VerifierKey));
            if (size > 0)
            {
                var proof = (await log.Store.Log.ConsistencyProofAsync(size, latest.Checkpoint.TreeSize, ct))!;
                Assert.True(proof.Verify(checkpoint.Checkpoint.RootHash, latest.Checkpoint.RootHash).IsValid);
            }
        }
    }

    [Fact]
    public async Task Inclusion_proofs_from_the_store_verify_against_the_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync();
        var checkpoint = (await log.Store.Log.LatestCheckpointAsync(ct))!.Checkpoint;

        foreach (var index in new ulong[] { 0, 255, 256, 1024, Size - 1 })
        {
            var entry = await log.Store.ReadAllAsync((long)index, ReadDirection.Forward, 1, ct).SingleAsync(ct);
            var proof = (await log.Store.Log.InclusionProofAsync(index, checkpoint.TreeSize, ct))!;
            Assert.True(proof.Verify(TreeHash.OfLeaf(entry.EntryBytes.Span), checkpoint.RootHash).IsValid);
        }
    }

    [Fact]
    public async Task Receipt_is_pending_until_a_checkpoint_covers_the_event_then_verifies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync(10);
        var entry = Entries.Access(77);
        await log.Store.AppendAsync("patient:late", ExpectedVersion.Any, [entry], ct);

        var (before, _) = await log.Store.Log.ReceiptAsync(entry.Id, ct);
        await log.Store.Log.CutCheckpointAsync(log.Signer, ct);
        var (after, receipt) = await log.Store.Log.ReceiptAsync(entry.Id, ct);

        Assert.Equal(ReceiptStatus.NotYetCheckpointed, before);
        Assert.Equal(ReceiptStatus.Ready, after);
        Assert.True(receipt!.Verify(log.Signer.VerifierKey).IsValid);
        Assert.Equal(ReceiptStatus.UnknownEvent, (await log.Store.Log.ReceiptAsync(Guid.NewGuid(), ct)).Status);
    }

    [Fact]
    public async Task A_new_log_key_adds_its_signature_to_the_latest_checkpoint_and_both_keys_verify_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync(10);
        using var newKey = PrivateKey.Generate(KeyType.Ed25519);
        var newSigner = new NoteSigner("test.example/audit", newKey);

        var resigned = await log.Store.Log.CutCheckpointAsync(newSigner, ct);
        var served = await log.Store.Log.LatestCheckpointAsync(ct);

        Assert.NotNull(resigned);
        Assert.Equal(2, served!.Note.Signatures.Length);
        Assert.Equal(AuditLog.Checkpoints.CheckpointError.None, served.Verify("test.example/audit", log.Signer.VerifierKey));
        Assert.Equal(AuditLog.Checkpoints.CheckpointError.None, served.Verify("test.example/audit", newSigner.VerifierKey));
        Assert.Null(await log.Store.Log.CutCheckpointAsync(newSigner, ct));
    }

    [Fact]
    public async Task Signing_under_another_origin_throws_InvalidOperationException()
    {
        await using var log = await CreateLogAsync(10);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => log.Store.Log.CutCheckpointAsync(new NoteSigner("other.example/audit", log.Key), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Verification_of_a_log_being_appended_to_finds_nothing_wrong()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var log = await CreateLogAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var appending = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await log.Store.AppendAsync("patient:busy", ExpectedVersion.Any, Entries.Many(50, offset: 10_000 + (n * 50)), CancellationToken.None);
            }
        }, ct);

        var results = new List<LogVerification>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await log.Store.Log.VerifyAsync(log.Signer.VerifierKey, ct));
        }

        await stop.CancelAsync();
        await appending;
        Assert.All(results, r => Assert.Empty(r.Findings));
    }

    [Fact]
    public async Task Cutting_a_checkpoint_without_growth_returns_null()
    {
        await using var log = await CreateLogAsync(10);

        Assert.Null(await log.Store.Log.CutCheckpointAsync(log.Signer, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Intact_log_verifies_without_findings()
    {
        await using var log = await CreateLogAsync();

        var result = await log.Store.Log.VerifyAsync(log.Signer.VerifierKey, TestContext.Current.CancellationToken);

        Assert.Empty(result.Findings);
        Assert.Equal(Size, result.EventsChecked);
        Assert.True(result.CheckpointsChecked >= 3);
    }

    [Theory]
    [InlineData("UPDATE events SET entry = replace(convert_from(entry, 'UTF8'), 'TREAT', 'HRESCH')::bytea WHERE position = 700", "event 700")]
    [InlineData("DELETE FROM events WHERE position = 12", "event 12")]
    [InlineData("UPDATE events SET position = position + 1000000 WHERE position IN (300, 301); UPDATE events SET position = 301 WHERE position = 1000300; UPDATE events SET position = 300 WHERE position = 1000301", "event 300,event 301")]
    [InlineData("UPDATE tiles SET hashes = set_byte(hashes, 32, get_byte(hashes, 32) # 1) WHERE level = 0 AND idx = 2", "tile/0/002")]
    [InlineData("DELETE FROM tiles WHERE level = 0 AND idx = 3", "tile/0/003")]
    [InlineData("UPDATE tiles SET hashes = substr(hashes, 1, 64) WHERE level = 1 AND idx = 0", "tile/1/000")]
    [InlineData("UPDATE checkpoints SET note = replace(note, 'test.example/audit', 'other.example/audit') WHERE tree_size = (SELECT max(tree_size) FROM checkpoints)", "checkpoint 1300")]
    [InlineData("UPDATE streams SET version = version + 1 WHERE stream_id = 'patient:0'", "stream patient:0")]
    public async Task Tampering_in_SQL_is_reported_with_exactly_where(string sql, string where)
    {
        await using var log = await CreateLogAsync();
        await log.SqlAsync(sql);

        var result = await log.Store.Log.VerifyAsync(log.Signer.VerifierKey, TestContext.Current.CancellationToken);

        Assert.False(result.IsIntact);
        foreach (var place in where.Split(','))
        {
            Assert.Contains(result.Findings, f => f.Where == place);
        }
    }
}
