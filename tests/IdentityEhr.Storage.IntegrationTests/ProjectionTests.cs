using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Storage.Events;
using IdentityEhr.Storage.Projections;
using IdentityEhr.Testing;

namespace IdentityEhr.Storage.IntegrationTests;

public sealed class ProjectionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string OtherPatient = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH";
    private TestSchema? _schema;
    private EventStore? _store;

    private EventStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(ProjectionTests), TestContext.Current.CancellationToken);
        _store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = _schema.ConnectionString }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _store!.DisposeAsync();
        await _schema!.DisposeAsync();
    }

    private static AuditEntry Event(int n, AuditEventType type, string? consent = null, string? record = null, string subject = Entries.Patient) =>
        Entries.Access(n, type) with { Consent = consent, Record = record, Subject = subject, Evidence = null };

    [Fact]
    public async Task Consent_state_follows_registration_and_revocation_in_the_same_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        var registered = await Store.AppendAsync("patient:p1", ExpectedVersion.Any, [Event(1, AuditEventType.ConsentRegistered, consent: "urn:uuid:c-1")], ct);
        var afterRegistration = await Store.Projections.ConsentAsync("urn:uuid:c-1", ct);
        var revoked = await Store.AppendAsync("patient:p1", ExpectedVersion.Any, [Event(2, AuditEventType.ConsentRevoked, consent: "urn:uuid:c-1")], ct);
        var afterRevocation = await Store.Projections.ConsentAsync("urn:uuid:c-1", ct);

        Assert.Equal(new ConsentState("urn:uuid:c-1", Entries.Patient, false, registered.FirstPosition, null), afterRegistration);
        Assert.Equal(new ConsentState("urn:uuid:c-1", Entries.Patient, true, registered.FirstPosition, revoked.FirstPosition), afterRevocation);
        Assert.Null(await Store.Projections.ConsentAsync("urn:uuid:never", ct));
    }

    [Fact]
    public async Task Record_index_counts_versions_and_marks_erasure()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Record = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
        var stored = await Store.AppendAsync("patient:p2", ExpectedVersion.Any,
            [Event(10, AuditEventType.RecordStored, record: Record), Event(11, AuditEventType.RecordStored, record: Record)], ct);
        var erased = await Store.AppendAsync("patient:p2", ExpectedVersion.Any, [Event(12, AuditEventType.RecordErased, record: Record)], ct);

        var entry = await Store.Projections.RecordAsync(Record, ct);

        Assert.Equal(new RecordIndexEntry(Record, Entries.Patient, 2, stored.FirstPosition, stored.LastPosition, erased.FirstPosition), entry);
        Assert.True(entry!.IsErased);
    }

    [Fact]
    public async Task Access_history_catches_up_follows_new_commits_and_resumes_after_a_stop_without_duplicates()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.AppendAsync("patient:a", ExpectedVersion.Any, [.. Enumerable.Range(0, 30).Select(i => Event(100 + i, AuditEventType.AccessGranted))], ct);
        await Store.AppendAsync("patient:b", ExpectedVersion.Any, [.. Enumerable.Range(0, 5).Select(i => Event(200 + i, AuditEventType.AccessDenied, subject: OtherPatient))], ct);

        using (var first = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var running = Store.AccessHistory.RunAsync(first.Token);
            var live = await Store.AppendAsync("patient:a", ExpectedVersion.Any, [Event(300, AuditEventType.EmergencyAccess)], ct);
            await WaitUntilProjectedAsync(live.LastPosition, ct);
            await first.CancelAsync();
            await running;
        }

        var later = await Store.AppendAsync("patient:a", ExpectedVersion.Any, [Event(301, AuditEventType.AccessDenied) with { Reason = "Revoked" }], ct);
        using (var second = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var running = Store.AccessHistory.RunAsync(second.Token);
            await WaitUntilProjectedAsync(later.LastPosition, ct);
            await second.CancelAsync();
            await running;
        }

        var history = await Store.Projections.AccessHistoryAsync(Entries.Patient, maxCount: 1000, cancellationToken: ct);
        var other = await Store.Projections.AccessHistoryAsync(OtherPatient, cancellationToken: ct);

        Assert.Equal(32, history.Count);
        Assert.Equal(history.Select(h => h.Position).OrderDescending(), history.Select(h => h.Position));
        Assert.Equal(("AccessDenied", "Revoked"), (history[0].Type, history[0].Reason));
        Assert.Equal("EmergencyAccess", history[1].Type);
        Assert.Equal(5, other.Count);
    }

    private async Task WaitUntilProjectedAsync(long position, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await Store.Projections.PositionAsync(AccessHistoryProjector.Name, timeout.Token) < position)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
