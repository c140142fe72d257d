using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;

namespace IdentityEhr.Storage.IntegrationTests;

public sealed class EventStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestSchema? _schema;
    private EventStore? _store;

    private EventStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(EventStoreTests), TestContext.Current.CancellationToken);
        _store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = _schema.ConnectionString }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _store!.DisposeAsync();
        await _schema!.DisposeAsync();
    }

    private static string NewStream() => $"patient:{Guid.NewGuid():N}";

    [Fact]
    public async Task Appended_events_read_back_with_consecutive_versions_and_their_exact_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = NewStream();
        var entries = Entries.Many(3);

        var result = await Store.AppendAsync(stream, ExpectedVersion.NoStream, entries, ct);
        var read = await Store.ReadStreamAsync(stream, 1, ReadDirection.Forward, 10, ct).ToListAsync(ct);

        Assert.Equal(1, result.FirstVersion);
        Assert.Equal([1L, 2L, 3L], read.Select(e => e.StreamVersion));
        Assert.Equal(entries, read.Select(e => e.Entry));
        Assert.Equal(entries.Select(e => e.ToCanonicalBytes()), read.Select(e => e.EntryBytes.ToArray()));
    }

    [Fact]
    public async Task Append_with_stale_expected_version_throws_StreamVersionConflictException()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedVersion.NoStream, [Entries.Access(1)], ct);
        await Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [Entries.Access(2)], ct);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(
            () => Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [Entries.Access(3)], ct));

        Assert.Equal(2, conflict.ActualVersion);
    }

    [Fact]
    public async Task Retrying_an_append_with_the_same_ids_returns_the_original_positions()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = NewStream();
        var entries = Entries.Many(2, offset: 100);
        var first = await Store.AppendAsync(stream, ExpectedVersion.NoStream, entries, ct);

        var retry = await Store.AppendAsync(stream, ExpectedVersion.NoStream, entries, ct);

        Assert.True(retry.AlreadyAppended);
        Assert.Equal(first.FirstPosition, retry.FirstPosition);
        Assert.Equal(first.FirstVersion, retry.FirstVersion);
    }

    [Fact]
    public async Task The_same_append_sent_twice_at_once_lands_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = NewStream();
        var entries = Entries.Many(3, offset: 150);

        // Both are usually in one group commit: the second must be recognised as the first, not refused.
        var results = await Task.WhenAll(
            Store.AppendAsync(stream, ExpectedVersion.Any, entries, ct), Store.AppendAsync(stream, ExpectedVersion.Any, entries, ct));
        var stored = await Store.ReadStreamAsync(stream, 1, ReadDirection.Forward, 10, ct).ToListAsync(ct);

        Assert.Equal(3, stored.Count);
        Assert.Equal(results[0].FirstPosition, results[1].FirstPosition);
        Assert.Single(results, r => r.AlreadyAppended);
    }

    [Fact]
    public async Task Reusing_an_event_id_in_another_append_throws_DuplicateEventException()
    {
        var ct = TestContext.Current.CancellationToken;
        var entry = Entries.Access(200);
        await Store.AppendAsync(NewStream(), ExpectedVersion.Any, [entry], ct);

        await Assert.ThrowsAsync<DuplicateEventException>(() => Store.AppendAsync(NewStream(), ExpectedVersion.Any, [entry], ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("patient:\n")]
    public async Task Append_to_a_malformed_stream_id_throws_ArgumentException(string stream)
    {
        await Assert.ThrowsAsync<ArgumentException>("streamId", () => Store.AppendAsync(stream, ExpectedVersion.Any, [Entries.Access(900)], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Append_to_a_stream_id_with_a_lone_surrogate_throws_ArgumentException()
    {
        // Built in code: a lone surrogate does not survive theory-data serialization.
        var stream = "patient:" + (char)0xD800;

        await Assert.ThrowsAsync<ArgumentException>("streamId", () => Store.AppendAsync(stream, ExpectedVersion.Any, [Entries.Access(901)], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Global_read_backward_returns_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await Store.AppendAsync(NewStream(), ExpectedVersion.Any, Entries.Many(5, offset: 300), ct);

        var read = await Store.ReadAllAsync(result.LastPosition, ReadDirection.Backward, 3, ct).ToListAsync(ct);

        Assert.Equal([result.LastPosition, result.LastPosition - 1, result.LastPosition - 2], read.Select(e => e.Position));
    }

    [Fact]
    public async Task Find_returns_the_event_with_that_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var entry = Entries.Access(400);
        var result = await Store.AppendAsync(NewStream(), ExpectedVersion.Any, [entry], ct);

        var found = await Store.FindAsync(entry.Id, ct);

        Assert.Equal(result.FirstPosition, found?.Position);
    }

    [Fact]
    public async Task Subscription_catches_up_and_then_receives_new_commits()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await Store.AppendAsync(NewStream(), ExpectedVersion.Any, Entries.Many(2, offset: 500), ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var received = new List<long>();

        var subscription = Task.Run(async () =>
        {
            await foreach (var e in Store.SubscribeAsync(before.FirstPosition, timeout.Token))
            {
                received.Add(e.Position);
                if (received.Count == 4)
                {
                    return;
                }
            }
        }, ct);
        await Task.Delay(200, ct);
        var after = await Store.AppendAsync(NewStream(), ExpectedVersion.Any, Entries.Many(2, offset: 600), ct);
        await subscription;

        Assert.Equal([before.FirstPosition, before.LastPosition, after.FirstPosition, after.LastPosition], received);
    }

    [Fact]
    public async Task Tree_state_root_equals_the_root_recomputed_from_all_stored_entries()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.AppendAsync(NewStream(), ExpectedVersion.Any, Entries.Many(700, offset: 1000), ct);

        var state = await Store.Log.GetTreeStateAsync(ct);
        var leaves = await Store.ReadAllAsync(0, ReadDirection.Forward, int.MaxValue, ct).Select(e => TreeHash.OfLeaf(e.EntryBytes.Span)).ToListAsync(ct);

        Assert.Equal((ulong)leaves.Count, state.TreeSize);
        Assert.Equal(AuditLog.Tests.ReferenceRoot.Of(leaves), state.Root);
    }
}
