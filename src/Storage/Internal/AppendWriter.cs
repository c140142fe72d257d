using System.Threading.Channels;
using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage.Events;
using Npgsql;

namespace IdentityEhr.Storage.Internal;

/// <summary>
/// The single writer: takes whatever appends are waiting, and in one transaction checks their expected versions, gives each
/// event the next global position, copies the events in, extends the Merkle tree's tiles and moves the tree head. One durable
/// commit then acknowledges them all (group commit).
/// </summary>
/// <remarks>
/// Sequencing and integration share the transaction, so an event is committed if and only if it has its leaf: no gaps, no
/// duplicates, nothing to repair after a crash. The <c>log_state</c> row lock serializes writers of several processes; the
/// tree edge kept in memory is checked against that row and reloaded whenever another writer moved it.
/// </remarks>
internal sealed class AppendWriter : IAsyncDisposable
{
    /// <summary>The SQLSTATE <c>ehr_advance_head</c> raises when another writer moved the tree head first.</summary>
    private const string HeadMoved = "EHR01";

    private const int MaxCachedStreams = 100_000;

    /// <summary>The most ciphertext bytes one commit carries, so a burst of large records cannot make one huge transaction.</summary>
    private const long MaxBatchAttachmentBytes = 16 * 1024 * 1024;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<PendingAppend> _queue;
    private readonly int _maxBatchEvents;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private NpgsqlConnection? _connection;
    private TileAppender? _edge;

    public AppendWriter(NpgsqlDataSource dataSource, int maxBatchEvents, int maxQueuedAppends)
    {
        _dataSource = dataSource;
        _maxBatchEvents = maxBatchEvents;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(maxQueuedAppends) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Gets the number of transactions committed, for tests and benchmarks (batch size = events / commits).</summary>
    public long Commits { get; private set; }

    public async Task<AppendResult> AppendAsync(PendingAppend append, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(append, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The event store is closing and takes no more appends.");
        }

        return await append.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>();
        var reader = _queue.Reader;
        PendingAppend? carried = null;
        try
        {
            while (carried is not null || await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                batch.Clear();
                var events = 0;
                var bytes = 0L;
                if (carried is not null)
                {
                    batch.Add(carried);
                    events = carried.Events.Length;
                    bytes = carried.AttachmentBytes;
                    carried = null;
                }

                // Take what is waiting, up to the batch limits; an append that would overshoot one opens the next batch (an
                // append over the byte limit on its own still commits, alone).
                while (events < _maxBatchEvents && bytes < MaxBatchAttachmentBytes && reader.TryRead(out var append))
                {
                    if (batch.Count > 0 && (events + append.Events.Length > _maxBatchEvents || bytes + append.AttachmentBytes > MaxBatchAttachmentBytes))
                    {
                        carried = append;
                        break;
                    }

                    batch.Add(append);
                    events += append.Events.Length;
                    bytes += append.AttachmentBytes;
                }

                try
                {
                    await CommitAsync(batch, _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    // The outcome of a failed commit is unknown: drop the connection and the edge, tell every appender, and
                    // let a retry (same event ids) find out what landed.
                    await ResetAsync().ConfigureAwait(false);
                    var failure = e as AuditLogIntegrityException ?? (Exception)Wrap(e);
                    foreach (var append in batch)
                    {
                        append.Completion.TrySetException(failure);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }

        // The batch cut off by the stop may have committed: say so, so callers retry with the same ids to find out.
        var cutOff = Wrap(new OperationCanceledException("the event store stopped during the commit"));
        foreach (var append in batch)
        {
            append.Completion.TrySetException(cutOff);
        }

        var stopped = new ObjectDisposedException(nameof(AppendWriter), "The event store is closing.");

        carried?.Completion.TrySetException(stopped);
        while (reader.TryRead(out var left))
        {
            left.Completion.TrySetException(stopped);
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        _connection ??= await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Fast path, one round trip: when this writer made the last commit it knows the tree edge and the versions of the
        // streams it wrote. The commit starts by moving the head from the size it expects (ehr_advance_head), so if another
        // writer got in between, or an event id was stored before (a retry), the whole transaction fails and nothing is written;
        // then the full path reads what it needs and decides.
        var outcomes = _edge is { } edge && batch.All(a => _versions.ContainsKey(a.StreamId))
            ? await TryCommitFromCacheAsync(batch, edge, cancellationToken).ConfigureAwait(false)
            : null;
        outcomes ??= await CommitWithReadsAsync(batch, cancellationToken).ConfigureAwait(false);
        Commits++;
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Failure is { } failure)
            {
                batch[i].Completion.TrySetException(failure);
            }
            else
            {
                batch[i].Completion.TrySetResult(outcomes[i].Result!);
            }
        }
    }

    private async Task<Outcome[]?> TryCommitFromCacheAsync(List<PendingAppend> batch, TileAppender edge, CancellationToken cancellationToken)
    {
        var versions = batch.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).ToDictionary(s => s, s => _versions[s], StringComparer.Ordinal);
        var existing = new Dictionary<Guid, (long Position, string Stream, long Version)>();
        var (outcomes, accepted) = SequenceAll(batch, edge.TreeSize, versions, existing);
        if (outcomes.Any(o => o.Failure is not null))
        {
            // A conflict may be a retry of events already stored, which only the full path can see; let it decide.
            return null;
        }

        var next = edge.Append([.. accepted.Select(a => a.Event.LeafHash)], out var tiles);
        var commands = new NpgsqlBatch(_connection!);
        await using (commands.ConfigureAwait(false))
        {
            commands.BatchCommands.Add(new NpgsqlBatchCommand("SELECT ehr_advance_head($1, $2, $3)")
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = checked((long)edge.TreeSize) },
                    new NpgsqlParameter { Value = checked((long)next.TreeSize) },
                    new NpgsqlParameter { Value = next.Root().ToArray() },
                },
            });
            foreach (var command in Writes(versions, accepted, tiles, next))
            {
                commands.BatchCommands.Add(command);
            }

            try
            {
                // Without an explicit transaction a batch runs as one implicit transaction, committed at its end.
                await commands.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or HeadMoved)
            {
                _edge = null;
                _versions.Clear();
                return null;
            }
        }

        _edge = next;
        Remember(versions);
        return outcomes;
    }

    private async Task<Outcome[]> CommitWithReadsAsync(List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var (size, root, versions, existing) = await ReadStateAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
            var edge = _edge is { } cached && cached.TreeSize == size ? cached : await LoadEdgeAsync(connection, transaction, size, cancellationToken).ConfigureAwait(false);
            if (edge.Root() != root)
            {
                throw new AuditLogIntegrityException($"the stored tiles give a different root than log_state at tree size {size}");
            }

            var (outcomes, accepted) = SequenceAll(batch, size, versions, existing);
            if (accepted.Count > 0)
            {
                var next = edge.Append([.. accepted.Select(a => a.Event.LeafHash)], out var tiles);
                var commands = new NpgsqlBatch(connection, transaction);
                await using (commands.ConfigureAwait(false))
                {
                    commands.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE log_state SET tree_size = $1, root = $2 WHERE id = 0")
                    {
                        Parameters =
                        {
                            new NpgsqlParameter { Value = checked((long)next.TreeSize) },
                            new NpgsqlParameter { Value = next.Root().ToArray() },
                        },
                    });
                    foreach (var command in Writes(versions, accepted, tiles, next))
                    {
                        commands.BatchCommands.Add(command);
                    }

                    await commands.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                edge = next;
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }

            _edge = edge;
            Remember(versions);
            return outcomes;
        }
    }

    private static (Outcome[] Outcomes, List<(long Position, string Stream, long Version, PendingEvent Event)> Accepted) SequenceAll(
        List<PendingAppend> batch, ulong size, Dictionary<string, long> versions, Dictionary<Guid, (long Position, string Stream, long Version)> existing)
    {
        var outcomes = new Outcome[batch.Count];
        var accepted = new List<(long Position, string Stream, long Version, PendingEvent Event)>();
        for (var i = 0; i < batch.Count; i++)
        {
            outcomes[i] = Sequence(batch[i], size + (ulong)accepted.Count, versions, existing, accepted);
        }

        return (outcomes, accepted);
    }

    /// <summary>Keeps the stream versions this writer knows, bounded: an unknown stream only costs the full path once.</summary>
    private void Remember(Dictionary<string, long> versions)
    {
        if (_versions.Count + versions.Count > MaxCachedStreams)
        {
            _versions.Clear();
        }

        foreach (var (stream, version) in versions)
        {
            _versions[stream] = version;
        }
    }

    private static Outcome Sequence(
        PendingAppend append, ulong nextPosition, Dictionary<string, long> versions, Dictionary<Guid, (long Position, string Stream, long Version)> existing,
        List<(long, string, long, PendingEvent)> accepted)
    {
        // A retry of an append that did commit (or that an earlier append of this batch carries): the same ids, in the same
        // stream, in the same order → the original result.
        if (append.Events.Any(e => existing.ContainsKey(e.Id)))
        {
            var first = existing.GetValueOrDefault(append.Events[0].Id);
            for (var i = 0; i < append.Events.Length; i++)
            {
                if (!existing.TryGetValue(append.Events[i].Id, out var stored) || stored.Stream != append.StreamId
                    || stored.Position != first.Position + i || stored.Version != first.Version + i)
                {
                    return new Outcome(null, new DuplicateEventException(append.Events[i].Id));
                }
            }

            return new Outcome(new AppendResult(append.StreamId, first.Version, first.Position, append.Events.Length, AlreadyAppended: true), null);
        }

        // An id used twice within one append would break the unique index.
        var ids = new HashSet<Guid>();
        foreach (var e in append.Events)
        {
            if (!ids.Add(e.Id))
            {
                return new Outcome(null, new DuplicateEventException(e.Id));
            }
        }

        var current = versions.GetValueOrDefault(append.StreamId);
        if (!append.Expected.Accepts(current))
        {
            return new Outcome(null, new StreamVersionConflictException(append.StreamId, append.Expected.ToString(), current));
        }

        var position = checked((long)nextPosition);
        for (var i = 0; i < append.Events.Length; i++)
        {
            accepted.Add((position + i, append.StreamId, current + 1 + i, append.Events[i]));
            existing[append.Events[i].Id] = (position + i, append.StreamId, current + 1 + i);
        }

        versions[append.StreamId] = current + append.Events.Length;
        return new Outcome(new AppendResult(append.StreamId, current + 1, position, append.Events.Length, AlreadyAppended: false), null);
    }

    private static async Task<(ulong Size, TreeHash Root, Dictionary<string, long> Versions, Dictionary<Guid, (long, string, long)> Existing)> ReadStateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        var batchCommand = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT tree_size, root FROM log_state WHERE id = 0 FOR UPDATE"),
                new NpgsqlBatchCommand("SELECT stream_id, version FROM streams WHERE stream_id = ANY($1)")
                {
                    Parameters = { new NpgsqlParameter { Value = batch.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).ToArray() } },
                },
                new NpgsqlBatchCommand("SELECT event_id, position, stream_id, stream_version FROM events WHERE event_id = ANY($1)")
                {
                    Parameters = { new NpgsqlParameter { Value = batch.SelectMany(a => a.Events).Select(e => e.Id).ToArray() } },
                },
            },
        };
        await using (batchCommand.ConfigureAwait(false))
        {
            var reader = await batchCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new AuditLogIntegrityException("log_state has no row: the schema is incomplete or was tampered with");
                }

                var size = checked((ulong)reader.GetInt64(0));
                if (!TreeHash.TryCreate((byte[])reader[1], out var root))
                {
                    throw new AuditLogIntegrityException("log_state.root is not a 32-byte hash");
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var versions = new Dictionary<string, long>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    versions[reader.GetString(0)] = reader.GetInt64(1);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var existing = new Dictionary<Guid, (long, string, long)>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    existing[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3));
                }

                return (size, root, versions, existing);
            }
        }
    }

    internal static async Task<TileAppender> LoadEdgeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ulong size, CancellationToken cancellationToken)
    {
        var tiles = await TileQueries.ReadAsync(connection, transaction, TileId.RightEdge(size), cancellationToken).ConfigureAwait(false);
        return TileAppender.Restore(size, tiles);
    }

    /// <summary>The writes of a commit, after the head has moved: events, streams, tiles, inline projections, notification.</summary>
    private static IEnumerable<NpgsqlBatchCommand> Writes(
        Dictionary<string, long> versions, List<(long Position, string Stream, long Version, PendingEvent Event)> accepted,
        IReadOnlyList<Tile> tiles, TileAppender next)
    {
        // Arrays bind in binary, as COPY would, and keep every write in the same round trip.
        yield return new NpgsqlBatchCommand(
            "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, entry) " +
            "SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::bytea[])")
        {
            Parameters =
            {
                new NpgsqlParameter { Value = accepted.Select(a => a.Position).ToArray() },
                new NpgsqlParameter { Value = accepted.Select(a => a.Event.Id).ToArray() },
                new NpgsqlParameter { Value = accepted.Select(a => a.Stream).ToArray() },
                new NpgsqlParameter { Value = accepted.Select(a => a.Version).ToArray() },
                new NpgsqlParameter { Value = accepted.Select(a => a.Event.Type).ToArray() },
                new NpgsqlParameter { Value = accepted.Select(a => a.Event.Bytes).ToArray() },
            },
        };
        var streams = accepted.Select(a => a.Stream).Distinct(StringComparer.Ordinal).ToArray();
        yield return new NpgsqlBatchCommand(
            "INSERT INTO streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::bigint[]) " +
            "ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version")
        {
            Parameters =
            {
                new NpgsqlParameter { Value = streams },
                new NpgsqlParameter { Value = streams.Select(s => versions[s]).ToArray() },
            },
        };
        yield return TileQueries.Upsert(tiles);

        // Vault rows before the projections: a record stored and erased in one commit is erased.
        foreach (var vault in VaultWrites.Commands(accepted))
        {
            yield return vault;
        }

        foreach (var projection in InlineProjections.Commands(accepted))
        {
            yield return projection;
        }

        // Delivered at commit; subscribers wake and read from their position.
        yield return new NpgsqlBatchCommand($"SELECT pg_notify('{EventStore.NotificationChannel}', $1)")
        {
            Parameters = { new NpgsqlParameter { Value = next.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        };
    }

    private async Task ResetAsync()
    {
        _edge = null;
        _versions.Clear();
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // The connection is already broken; there is nothing more to release.
            }
        }
    }

    private static DatabaseUnavailableException Wrap(Exception e) =>
        new($"the append transaction failed and its outcome is unknown; retry with the same event ids: {e.GetType().Name}", isTransient: true, e);

    /// <summary>Stops taking appends and waits until every queued one has committed or failed (at most 30 s, then gives up on the rest).</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);

        await ResetAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private readonly record struct Outcome(AppendResult? Result, Exception? Failure);
}
