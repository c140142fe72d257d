using IdentityEhr.Storage.Events;
using Npgsql;

namespace IdentityEhr.Storage.Projections;

/// <summary>
/// The asynchronous projection of each patient's history: follows the log (catch-up, then LISTEN/NOTIFY) and writes one row
/// per event that names a patient, storing how far it has read in the same transaction, so each event lands exactly once
/// however often the projector stops and restarts.
/// </summary>
public sealed class AccessHistoryProjector
{
    /// <summary>The projection's name in <c>projection_checkpoints</c>.</summary>
    public const string Name = "access_history";

    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(1);
    private readonly EventStore _store;
    private readonly NpgsqlDataSource _dataSource;

    internal AccessHistoryProjector(EventStore store, NpgsqlDataSource dataSource)
    {
        _store = store;
        _dataSource = dataSource;
    }

    /// <summary>Runs until cancelled; a database failure pauses it for a second and it resumes from its checkpoint.</summary>
    /// <param name="cancellationToken">Stops the projector.</param>
    /// <returns>A task that completes when the projector has stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var from = await _store.Projections.PositionAsync(Name, cancellationToken).ConfigureAwait(false) + 1;
                await foreach (var page in _store.SubscribePagesAsync(from, cancellationToken).ConfigureAwait(false))
                {
                    await ApplyAsync(page, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StorageException or NpgsqlException or IOException)
            {
                try
                {
                    await Task.Delay(s_retry, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ApplyAsync(IReadOnlyList<RecordedEvent> page, CancellationToken cancellationToken)
    {
        var rows = page.Where(e => e.Entry.Subject is not null).ToList();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand(
                            "INSERT INTO access_history (position, patient, event_id, event_type, actor, record, purpose, reason, event_time) " +
                            "SELECT * FROM unnest($1::bigint[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[]) " +
                            "ON CONFLICT (position) DO NOTHING")
                        {
                            Parameters =
                            {
                                new NpgsqlParameter { Value = rows.Select(e => e.Position).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Subject!).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Id).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Type.ToString()).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Actor).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Record).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Purpose).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Reason).ToArray() },
                                new NpgsqlParameter { Value = rows.Select(e => e.Entry.Time).ToArray() },
                            },
                        },
                        new NpgsqlBatchCommand(
                            "INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) " +
                            "ON CONFLICT (name) DO UPDATE SET position = greatest(projection_checkpoints.position, EXCLUDED.position)")
                        {
                            Parameters = { new NpgsqlParameter { Value = Name }, new NpgsqlParameter { Value = page[^1].Position } },
                        },
                    },
                };
                await using (batch.ConfigureAwait(false))
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
