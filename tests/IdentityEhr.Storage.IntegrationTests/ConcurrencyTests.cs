using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>Issue 6 acceptance: 64 concurrent appenders × 10,000 events.</summary>
public sealed class ConcurrencyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Appenders = 64;
    private const int EventsPerAppender = 10_000;
    private const int EventsPerAppend = 50;

    private TestSchema? _schema;
    private EventStore? _store;

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(ConcurrencyTests), TestContext.Current.CancellationToken);
        _store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = _schema.ConnectionString }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _store!.DisposeAsync();
        await _schema!.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_of_64_concurrent_appenders_gets_exactly_one_leaf_and_the_root_matches_a_recomputation()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = _store!;
        var sent = new Guid[Appenders][];

        // Each appender owns a stream and appends with exact expected versions, so any lost or doubled event breaks its chain.
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            var ids = new List<Guid>(EventsPerAppender);
            var stream = $"appender:{a}";
            for (var version = 0L; version < EventsPerAppender; version += EventsPerAppend)
            {
                var entries = Entries.Many(EventsPerAppend, offset: (a * EventsPerAppender) + (int)version);
                var result = await store.AppendAsync(stream, version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version), entries, ct);
                Assert.Equal(version + 1, result.FirstVersion);
                ids.AddRange(entries.Select(e => e.Id));
            }

            sent[a] = [.. ids];
        }, ct)));

        var all = await store.ReadAllAsync(0, ReadDirection.Forward, int.MaxValue, ct).ToListAsync(ct);
        var state = await store.Log.GetTreeStateAsync(ct);

        const int Total = Appenders * EventsPerAppender;
        Assert.Equal(Enumerable.Range(0, Total).Select(i => (long)i), all.Select(e => e.Position));
        Assert.Equal(sent.SelectMany(s => s).Order(), all.Select(e => e.Entry.Id).Order());
        foreach (var stream in all.GroupBy(e => e.StreamId))
        {
            Assert.Equal(Enumerable.Range(1, EventsPerAppender).Select(v => (long)v), stream.Select(e => e.StreamVersion));
            Assert.Equal(sent[int.Parse(stream.Key["appender:".Length..], System.Globalization.CultureInfo.InvariantCulture)], stream.Select(e => e.Entry.Id));
        }

        Assert.Equal((ulong)Total, state.TreeSize);
        Assert.Equal(AuditLog.Tests.ReferenceRoot.Of([.. all.Select(e => TreeHash.OfLeaf(e.EntryBytes.Span))]), state.Root);
        Assert.True(store.Commits < Total / EventsPerAppend, $"{store.Commits} commits for {Total / EventsPerAppend} appends: no group commit");
    }

    [Fact]
    public async Task Two_stores_writing_one_database_interleave_without_gaps_and_the_log_verifies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var second = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = _schema!.ConnectionString }, ct);
        var stores = new[] { _store!, second };

        // Each store's writer must notice the other's commits (the head moved) and fall back to reading the state.
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(a => Task.Run(async () =>
        {
            var list = new List<AppendResult>();
            for (var i = 0; i < 20; i++)
            {
                list.Add(await stores[a % 2].AppendAsync($"two:{a}", ExpectedVersion.Any, Entries.Many(5, offset: (a * 1000) + (i * 5)), ct));
            }

            return list;
        }, ct)));

        var positions = results.SelectMany(r => r).SelectMany(r => Enumerable.Range(0, r.Count).Select(i => r.FirstPosition + i)).Order().ToList();
        var verification = await _store!.Log.VerifyAsync(cancellationToken: ct);
        var state = await _store.Log.GetTreeStateAsync(ct);

        Assert.Equal(Enumerable.Range(0, 1600).Select(i => (long)i), positions);
        Assert.Equal(1600UL, state.TreeSize);
        Assert.Empty(verification.Findings);
    }
}
