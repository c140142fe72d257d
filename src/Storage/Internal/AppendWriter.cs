using System.Threading.Channels;
using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage.Events;
using Npgsql;
using NpgsqlTypes;

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
    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<PendingAppend> _queue;
    private readonly int _maxBatchEvents;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
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
                if (carried is not null)
                {
                    batch.Add(carried);
                    events = carried.Events.Length;
                    carried = null;
                }

                // Take what is waiting, up to the batch limit; an append that would overshoot it opens the next batch.
                while (events < _maxBatchEvents && reader.TryRead(out var append))
                {
                    if (batch.Count > 0 && events + append.Events.Length > _maxBatchEvents)
                    {
                        carried = append;
                        break;
                    }

                    batch.Add(append);
                    events += append.Events.Length;
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

        var stopped = new ObjectDisposedException(nameof(AppendWriter), "The event store is closing.");
        foreach (var append in batch)
        {
            append.Completion.TrySetException(stopped);
        }

        carried?.Completion.TrySetException(stopped);
        while (reader.TryRead(out var left))
        {
            left.Completion.TrySetException(stopped);
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        _connection ??= await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = _connection;
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var (size, root, versions, existing) = await ReadStateAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
            var edge = _edge is { } cached && cached.TreeSize == size ? cached : await LoadEdgeAsync(connection, transaction, size, cancellationToken).ConfigureAwait(false);
            if (edge.Root() != root)
            {
                throw new AuditLogIntegrityException($"the stored tiles give a different root than log_state at tree size {size}");
            }

            var outcomes = new Outcome[batch.Count];
            var accepted = new List<(long Position, string Stream, long Version, PendingEvent Event)>();
            for (var i = 0; i < batch.Count; i++)
            {
                outcomes[i] = Sequence(batch[i], size + (ulong)accepted.Count, versions, existing, accepted);
            }

            if (accepted.Count > 0)
            {
                await CopyEventsAsync(connection, accepted, cancellationToken).ConfigureAwait(false);
                var leaves = accepted.Select(a => a.Event.LeafHash).ToArray();
                var next = edge.Append(leaves, out var tiles);
                await WriteTreeAsync(connection, transaction, versions, accepted, tiles, next, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                edge = next;
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }

            _edge = edge;
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

    private static async Task CopyEventsAsync(NpgsqlConnection connection, List<(long Position, string Stream, long Version, PendingEvent Event)> accepted, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(
            "COPY events (position, event_id, stream_id, stream_version, event_type, entry) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var (position, stream, version, e) in accepted)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(position, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(e.Id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(stream, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(e.Type, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(e.Bytes, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteTreeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<string, long> versions,
        List<(long Position, string Stream, long Version, PendingEvent Event)> accepted, IReadOnlyList<Tile> tiles, TileAppender next,
        CancellationToken cancellationToken)
    {
        var streams = accepted.Select(a => a.Stream).Distinct(StringComparer.Ordinal).ToArray();
        var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    "INSERT INTO streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::bigint[]) " +
                    "ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version")
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = streams },
                        new NpgsqlParameter { Value = streams.Select(s => versions[s]).ToArray() },
                    },
                },
                TileQueries.Upsert(tiles),
                new NpgsqlBatchCommand("UPDATE log_state SET tree_size = $1, root = $2 WHERE id = 0")
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = checked((long)next.TreeSize) },
                        new NpgsqlParameter { Value = next.Root().ToArray() },
                    },
                },

                // Delivered at commit; subscribers wake and read from their position.
                new NpgsqlBatchCommand($"SELECT pg_notify('{EventStore.NotificationChannel}', $1)")
                {
                    Parameters = { new NpgsqlParameter { Value = next.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                },
            },
        };
        foreach (var projection in InlineProjections.Commands(accepted))
        {
            batch.BatchCommands.Add(projection);
        }

        await using (batch.ConfigureAwait(false))
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ResetAsync()
    {
        _edge = null;
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
