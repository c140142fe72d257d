using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Storage.Events;
using IdentityEhr.Storage.Internal;
using IdentityEhr.Storage.Projections;
using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>
/// The append-only, event-sourced store of audit entries on PostgreSQL. Every event is a leaf of the audit log's Merkle tree:
/// its global position is its leaf index, given in commit order, without gaps, in the same transaction that stores it.
/// </summary>
/// <remarks>
/// Streams (one per patient, one for the service) carry optimistic concurrency through <see cref="ExpectedVersion"/>.
/// Appends from many callers are grouped into one transaction and one durable commit. Appends are idempotent by event id: a
/// retry of an append whose commit outcome was unknown returns the original positions.
/// </remarks>
public sealed class EventStore : IAsyncDisposable
{
    /// <summary>The PostgreSQL notification channel that carries the new tree size after every commit.</summary>
    public const string NotificationChannel = "ehr_events";

    /// <summary>The most events one append may carry.</summary>
    public const int MaxEventsPerAppend = 1000;

    /// <summary>The longest stream id accepted: room for a prefix and the longest DID an entry allows (512).</summary>
    public const int MaxStreamIdLength = 600;

    private const int PageSize = 512;

    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly NpgsqlDataSource _dataSource;
    private readonly AppendWriter _writer;

    private EventStore(NpgsqlDataSource dataSource, AppendWriter writer)
    {
        _dataSource = dataSource;
        _writer = writer;
        Log = new LogStore(dataSource, writer: this);
        Projections = new ProjectionReader(dataSource);
        AccessHistory = new AccessHistoryProjector(this, dataSource);
        StatusLists = new StatusListStore(dataSource);
        Registry = new RegistryStore(dataSource);
        Consents = new ConsentStore(dataSource);
    }

    /// <summary>Gets the DIDs registered as patients and providers.</summary>
    public RegistryStore Registry { get; }

    /// <summary>Gets the consent credentials patients registered.</summary>
    public ConsentStore Consents { get; }

    /// <summary>Gets the status list credentials the service hosts.</summary>
    public StatusListStore StatusLists { get; }

    /// <summary>Gets the read side of the Merkle log: tiles, entry bundles, proofs and checkpoints.</summary>
    public LogStore Log { get; }

    /// <summary>Gets the projections: consent state and record index (inline) and access history (asynchronous).</summary>
    public ProjectionReader Projections { get; }

    /// <summary>Gets the asynchronous projector of each patient's history; the host runs it (<see cref="AccessHistoryProjector.RunAsync"/>).</summary>
    public AccessHistoryProjector AccessHistory { get; }

    /// <summary>Gets the connection pool, for the parts of this library that read beside the log (the record vault).</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Gets the number of group commits so far (events appended ÷ commits = average batch).</summary>
    public long Commits => _writer.Commits;

    /// <summary>Connects, applies pending schema migrations and starts the writer.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="DatabaseUnavailableException">PostgreSQL cannot be reached or refuses the migration.</exception>
    public static async Task<EventStore> OpenAsync(EventStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueuedAppends, 1);
        if (!PostgresServer.TryValidateConnectionString(options.ConnectionString, out var reason))
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {reason}.", nameof(options));
        }

        // The store runs a few statements very often (appends, vault reads): let Npgsql prepare them once per connection,
        // unless the connection string says otherwise. Measured: one-event appends 22k → 35k/s (bench/IdentityEhr.Vault.Load).
        var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (!options.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            connection.MaxAutoPrepare = 64;
            connection.AutoPrepareMinUsages = 2;
        }

        var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        try
        {
            await Migrator.MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new DatabaseUnavailableException($"cannot prepare the event store schema: {Describe(e)}", isTransient: e is not PostgresException, e);
        }

        return new EventStore(dataSource, new AppendWriter(dataSource, options.MaxBatchEvents, options.MaxQueuedAppends));
    }

    /// <summary>Appends entries to a stream, durably; they become leaves of the Merkle tree in the same commit.</summary>
    /// <param name="streamId">The stream, for example <c>patient:did:key:z6Mk…</c>.</param>
    /// <param name="expected">The version the caller believes the stream is at.</param>
    /// <param name="entries">1 to <see cref="MaxEventsPerAppend"/> entries, each with a fresh id.</param>
    /// <param name="cancellationToken">Stops waiting; the append may still commit (retry with the same ids to find out).</param>
    /// <returns>Where the events landed.</returns>
    /// <exception cref="ArgumentException">The stream id or an entry is invalid, or there are no or too many entries.</exception>
    /// <exception cref="StreamVersionConflictException">The stream is not at the expected version.</exception>
    /// <exception cref="DuplicateEventException">An entry's id was used before by a different append.</exception>
    /// <exception cref="DatabaseUnavailableException">The commit failed; its outcome is unknown, and the append may be retried.</exception>
    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) =>
        AppendAsync(streamId, expected, entries, attachments: null, cancellationToken);

    /// <summary>Appends entries with the vault rows that commit with them (one per entry, or none).</summary>
    internal Task<AppendResult> AppendAsync(
        string streamId, ExpectedVersion expected, IReadOnlyList<AuditEntry> entries, IReadOnlyList<VaultAttachment?>? attachments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(entries);
        if (streamId.Length is 0 or > MaxStreamIdLength || streamId.Any(char.IsControl) || !IsWellFormed(streamId))
        {
            throw new ArgumentException($"A stream id is 1 to {MaxStreamIdLength} characters of well-formed text without control characters.", nameof(streamId));
        }

        if (entries.Count is 0 or > MaxEventsPerAppend)
        {
            throw new ArgumentException($"An append carries 1 to {MaxEventsPerAppend} entries.", nameof(entries));
        }

        // Canonical bytes and leaf hashes are made here, on the callers' threads, so the single writer only does I/O.
        var events = ImmutableArray.CreateBuilder<PendingEvent>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var bytes = entries[i].ToCanonicalBytes();
            events.Add(new PendingEvent(entries[i], bytes, TreeHash.OfLeaf(bytes), attachments?[i]));
        }

        return _writer.AppendAsync(new PendingAppend(streamId, expected, events.MoveToImmutable()), cancellationToken);
    }

    /// <summary>Reads events of one stream.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="fromVersion">The first version to read (forward) or the last (backward); <see cref="long.MaxValue"/> reads backward from the end.</param>
    /// <param name="direction">Which way to read.</param>
    /// <param name="maxCount">The most events to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events, in the order read.</returns>
    /// <exception cref="AuditLogIntegrityException">A stored entry does not parse.</exception>
    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var sql = direction == ReadDirection.Forward
            ? "SELECT position, stream_id, stream_version, entry, recorded_at FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3"
            : "SELECT position, stream_id, stream_version, entry, recorded_at FROM events WHERE stream_id = $1 AND stream_version <= $2 ORDER BY stream_version DESC LIMIT $3";
        return QueryAsync(sql, [streamId, fromVersion, maxCount], cancellationToken);
    }

    /// <summary>Reads events across all streams in global (= leaf) order.</summary>
    /// <param name="fromPosition">The first position to read (forward) or the last (backward).</param>
    /// <param name="direction">Which way to read.</param>
    /// <param name="maxCount">The most events to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events, in the order read.</returns>
    /// <exception cref="AuditLogIntegrityException">A stored entry does not parse.</exception>
    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(long fromPosition, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var sql = direction == ReadDirection.Forward
            ? "SELECT position, stream_id, stream_version, entry, recorded_at FROM events WHERE position >= $1 ORDER BY position LIMIT $2"
            : "SELECT position, stream_id, stream_version, entry, recorded_at FROM events WHERE position <= $1 ORDER BY position DESC LIMIT $2";
        return QueryAsync(sql, [fromPosition, maxCount], cancellationToken);
    }

    /// <summary>Finds an event by its id.</summary>
    /// <param name="eventId">The entry's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The event, or <see langword="null"/> when no event has that id.</returns>
    public async Task<RecordedEvent?> FindAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        await foreach (var e in QueryAsync(
            "SELECT position, stream_id, stream_version, entry, recorded_at FROM events WHERE event_id = $1", [eventId], cancellationToken).ConfigureAwait(false))
        {
            return e;
        }

        return null;
    }

    /// <summary>Follows the log: catches up from a position, then waits for new commits (LISTEN/NOTIFY, with a poll as fallback).</summary>
    /// <param name="fromPosition">The first position to deliver.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>Every event from <paramref name="fromPosition"/> on, in order, without end.</returns>
    public async IAsyncEnumerable<RecordedEvent> SubscribeAsync(long fromPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in SubscribePagesAsync(fromPosition, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in page)
            {
                yield return e;
            }
        }
    }

    /// <summary>Follows the log page by page (at most 512 events each), for consumers that apply events in batches.</summary>
    internal async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribePagesAsync(long fromPosition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
        var listener = await LogStore.GuardAsync(async () =>
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var listen = new NpgsqlCommand($"LISTEN {NotificationChannel}", connection);
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                // Not handled here: only the connection is released before the failure goes on.
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {

            var position = fromPosition;
            while (true)
            {
                var page = await ReadAllAsync(position, ReadDirection.Forward, PageSize, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                if (page.Count > 0)
                {
                    position = page[^1].Position + 1;
                    yield return page;
                }

                if (page.Count < PageSize)
                {
                    // A notification may have arrived while reading; a bounded wait covers that race and lost notifications.
                    await LogStore.GuardAsync(() => listener.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
                }
            }
        }
    }

    private async IAsyncEnumerable<RecordedEvent> QueryAsync(string sql, object[] parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        // Driver failures become DatabaseUnavailableException here too (an iterator cannot yield inside a catch, so each await
        // is guarded on its own).
        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LogStore.IsDatabaseFailure(e))
        {
            throw LogStore.Unavailable(e);
        }

        using var owned = reader;
        while (await ReadAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            var position = reader.GetInt64(0);
            var bytes = (byte[])reader[3];
            if (!AuditEntry.TryParse(bytes, out var entry, out var error))
            {
                throw new AuditLogIntegrityException($"the event at position {position} is not a valid entry ({error})");
            }

            yield return new RecordedEvent(position, reader.GetString(1), reader.GetInt64(2), entry, bytes, reader.GetFieldValue<DateTimeOffset>(4));
        }
    }

    private static async Task<bool> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LogStore.IsDatabaseFailure(e))
        {
            throw LogStore.Unavailable(e);
        }
    }

    /// <summary>Whether the text encodes as UTF-8 (no lone surrogate): one that does not would fail a whole group commit.</summary>
    private static bool IsWellFormed(string text)
    {
        try
        {
            s_strictUtf8.GetByteCount(text);
            return true;
        }
        catch (System.Text.EncoderFallbackException)
        {
            return false;
        }
    }

    private static string Describe(Exception e) => e is PostgresException p ? $"{p.SqlState} {p.MessageText}" : e.Message;

    /// <summary>Stops taking appends and waits until the queued ones have committed (or failed); reads keep working.</summary>
    /// <returns>A task that completes when nothing is left to write.</returns>
    public Task CompleteAsync() => _writer.CompleteAsync();

    /// <summary>Finishes the appends already queued, then closes.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
