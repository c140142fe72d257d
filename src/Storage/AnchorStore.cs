using System.Numerics;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Ethereum;
using IdentityEhr.Storage.Events;
using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>
/// The anchors projection (<c>anchors</c>, written inline from the anchoring events) and the anchorer's journal: its events go to
/// the <see cref="StreamId"/> stream of the event store, so they are leaves of the tree like every other event.
/// </summary>
public sealed class AnchorStore : IAnchorJournal
{
    /// <summary>The stream the anchoring events are appended to.</summary>
    public const string StreamId = "anchors";

    private const string Columns =
        "transaction, chain_id, contract, service_did, submitter, tree_size, root, nonce, max_fee_per_gas, max_priority_fee, status, reason, " +
        "block_number, block_hash, log_index, sequence, gas_used, submitted_at, settled_at";

    // The anchoring lease's advisory lock, one per log: named by the log's schema, so logs in other schemas do not contend.
    private const string LockKey = "hashtextextended(current_schema() || '/identityehr/anchoring', 0)";
    private const string UnlockSql = $"SELECT pg_advisory_unlock({LockKey})";

    private readonly LogStore _log;
    private readonly NpgsqlDataSource _dataSource;
    private readonly EventStore? _writer;

    internal AnchorStore(LogStore log, NpgsqlDataSource dataSource, EventStore? writer)
    {
        _log = log;
        _dataSource = dataSource;
        _writer = writer;
    }

    /// <inheritdoc/>
    public Task<SignedCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken) => _log.LatestCheckpointAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<AnchorRecord>> OpenAnchorsAsync(ulong chainId, ulong fromBlock, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM anchors WHERE chain_id = $1 AND (status = 'submitted' OR (status = 'confirmed' AND block_number >= $2)) ORDER BY submitted_position",
            [checked((long)chainId), checked((long)fromBlock)], cancellationToken);

    /// <inheritdoc/>
    public async Task<AnchorRecord?> LatestConfirmedAsync(ulong chainId, CancellationToken cancellationToken) =>
        First(await QueryAsync(
            $"SELECT {Columns} FROM anchors WHERE chain_id = $1 AND status = 'confirmed' ORDER BY tree_size DESC LIMIT 1",
            [checked((long)chainId)], cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the first confirmed anchor that covers a tree size: the one a receipt at that size extends to.</summary>
    /// <param name="treeSize">The receipt checkpoint's size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The confirmed anchor of the smallest tree size at least <paramref name="treeSize"/>, or <see langword="null"/>.</returns>
    public async Task<AnchorRecord?> CoveringAsync(ulong treeSize, CancellationToken cancellationToken) =>
        First(await QueryAsync(
            $"SELECT {Columns} FROM anchors WHERE status = 'confirmed' AND tree_size >= $1 ORDER BY tree_size, settled_position LIMIT 1",
            [checked((long)treeSize)], cancellationToken).ConfigureAwait(false));

    /// <summary>Lists anchor transactions, newest submission first.</summary>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The anchors.</returns>
    public Task<IReadOnlyList<AnchorRecord>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync($"SELECT {Columns} FROM anchors ORDER BY submitted_position DESC LIMIT $1", [limit], cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> GrewAsync(ulong fromSize, ulong toSize, CancellationToken cancellationToken) =>
        LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM events WHERE position >= $1 AND position < $2 AND stream_id <> $3)");
            command.Parameters.Add(new NpgsqlParameter { Value = checked((long)fromSize) });
            command.Parameters.Add(new NpgsqlParameter { Value = checked((long)toSize) });
            command.Parameters.Add(new NpgsqlParameter { Value = StreamId });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        });

    /// <inheritdoc/>
    /// <remarks>
    /// A PostgreSQL session advisory lock, named by the log's schema, held on a connection of its own for as long as the lease
    /// lives: it goes with the connection, so a crashed or cut-off holder frees it for another instance.
    /// </remarks>
    public async Task<IAnchoringLease?> TryLeadAsync(CancellationToken cancellationToken)
    {
        var connection = await LogStore.GuardAsync(() => _dataSource.OpenConnectionAsync(cancellationToken).AsTask()).ConfigureAwait(false);
        try
        {
            var held = await LogStore.GuardAsync(async () =>
            {
                using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection);
                return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }).ConfigureAwait(false);
            if (held)
            {
                return new Lease(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The log was opened read-only (<see cref="LogStore.Connect"/>).</exception>
    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        (_writer ?? throw new InvalidOperationException("This log was opened read-only; anchoring events are appended through an EventStore."))
            .AppendAsync(StreamId, ExpectedVersion.Any, [entry], cancellationToken);

    private Task<IReadOnlyList<AnchorRecord>> QueryAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        LogStore.GuardAsync<IReadOnlyList<AnchorRecord>>(async () =>
        {
            using var command = _dataSource.CreateCommand(sql);
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var anchors = new List<AnchorRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                anchors.Add(new AnchorRecord(
                    reader.GetString(0), checked((ulong)reader.GetInt64(1)), Address.Parse(reader.GetString(2)), reader.GetString(3),
                    reader.GetString(4).Length == 0 ? Address.Zero : Address.Parse(reader.GetString(4)), checked((ulong)reader.GetInt64(5)),
                    TreeHash.Create((byte[])reader[6]), checked((ulong)reader.GetInt64(7)), reader.GetFieldValue<BigInteger>(8),
                    reader.GetFieldValue<BigInteger>(9), Status(reader.GetString(10)), reader.IsDBNull(11) ? null : reader.GetString(11),
                    Optional(reader, 12), reader.IsDBNull(13) ? null : reader.GetString(13), Optional(reader, 14), Optional(reader, 15), Optional(reader, 16),
                    reader.GetFieldValue<DateTimeOffset>(17), reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18)));
            }

            return anchors;
        });

    /// <summary>The anchoring lease: the connection that holds the advisory lock.</summary>
    private sealed class Lease(NpgsqlConnection connection) : IAnchoringLease
    {
        public async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
        {
            try
            {
                using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (LogStore.IsDatabaseFailure(e))
            {
                return false;
            }
        }

        public void Dispose()
        {
            // A pooled connection keeps its session (and the lock) until it is reused: unlock explicitly, or another instance
            // would stand by behind an idle connection in this one's pool.
            try
            {
                using var command = new NpgsqlCommand(UnlockSql, connection);
                command.ExecuteNonQuery();
            }
            catch (Exception e) when (LogStore.IsDatabaseFailure(e) || e is InvalidOperationException)
            {
                // A broken connection is not returned to the pool: its session, and the lock, end with it.
            }

            connection.Dispose();
        }
    }

    private static AnchorRecord? First(IReadOnlyList<AnchorRecord> anchors) => anchors.Count > 0 ? anchors[0] : null;

    private static ulong? Optional(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : checked((ulong)reader.GetInt64(ordinal));

    private static AnchorStatus Status(string text) => text switch
    {
        "submitted" => AnchorStatus.Submitted,
        "confirmed" => AnchorStatus.Confirmed,
        "reorged" => AnchorStatus.Reorged,
        "replaced" => AnchorStatus.Replaced,
        _ => throw new AuditLog.AuditLogIntegrityException($"the anchors table holds an unknown status '{text}'"),
    };
}
