using System.Globalization;
using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage.Events;
using IdentityEhr.Storage.Internal;
using Npgsql;

namespace IdentityEhr.Storage;

/// <content>Walking the whole log and recomputing it (<c>ehr log verify --database</c>).</content>
public sealed partial class LogStore
{
    /// <summary>The most findings a verification reports one by one.</summary>
    public const int MaxFindings = 1000;

    private const int EventPage = 4096;

    /// <summary>Reads every event, tile, stream and checkpoint, recomputes the tree and reports every difference, and where.</summary>
    /// <param name="logKey">The log's verifier key to check checkpoint signatures with, or <see langword="null"/> to skip them.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>What was checked and what was found.</returns>
    /// <exception cref="DatabaseUnavailableException">PostgreSQL cannot be reached.</exception>
    /// <remarks>
    /// The walk reads one snapshot (a repeatable-read, read-only transaction), so a log that is being appended to is checked
    /// as it stood when the walk began. Memory stays bounded: events are read in pages in position order and compared with the
    /// level-0 tile that holds their leaf; each full tile is compared with the hash its parent tile holds for it; the root and
    /// every checkpoint are recomputed from the tiles. So a changed, deleted or moved event row shows at its position, and a
    /// changed tile shows at that tile.
    /// </remarks>
    public Task<LogVerification> VerifyAsync(NoteVerifierKey? logKey = null, CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
                    {
                        await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var walk = new Walk(connection, transaction, new Findings(), cancellationToken);
                    TreeState state;
                    try
                    {
                        state = await ReadTreeStateAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }
                    catch (AuditLogIntegrityException e)
                    {
                        // Without the head there is no tree to walk against: that alone is the finding.
                        walk.Findings.Add("log_state", e.Message);
                        return new LogVerification(0, 0, 0, 0, walk.Findings.List, 0);
                    }

                    var events = await walk.EventsAsync(state.TreeSize).ConfigureAwait(false);
                    var tiles = await walk.TilesAsync(state.TreeSize).ConfigureAwait(false);
                    await walk.StreamsAsync().ConfigureAwait(false);
                    if (await walk.RootAsync(state.TreeSize, "log_state").ConfigureAwait(false) is { } recomputed && recomputed != state.Root)
                    {
                        walk.Findings.Add("log_state", $"root {state.Root} differs from the root {recomputed} recomputed from the tiles at size {state.TreeSize}");
                    }

                    var checkpoints = await walk.CheckpointsAsync(state.TreeSize, logKey).ConfigureAwait(false);
                    return new LogVerification(state.TreeSize, events, tiles, checkpoints, walk.Findings.List, walk.Findings.More);
                }
            }
        });

    private static async Task<TreeState> ReadTreeStateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT tree_size, root FROM log_state WHERE id = 0", connection, transaction);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || !TreeHash.TryCreate((byte[])reader[1], out var root))
        {
            throw new AuditLogIntegrityException("log_state is missing or holds a root that is not 32 bytes");
        }

        return new TreeState(checked((ulong)reader.GetInt64(0)), root);
    }

    /// <summary>One verification's reads, all on one connection inside one snapshot.</summary>
    private sealed class Walk(NpgsqlConnection connection, NpgsqlTransaction transaction, Findings findings, CancellationToken cancellationToken)
    {
        public Findings Findings => findings;

        public async Task<long> EventsAsync(ulong treeSize)
        {
            var expected = 0UL;
            var checkedRows = 0L;
            Tile? tile = null;
            var from = 0L;
            while (true)
            {
                var page = new List<(ulong Position, Guid Id, string Type, byte[] Entry)>(EventPage);
                using (var command = new NpgsqlCommand(
                    "SELECT position, event_id, event_type, entry FROM events WHERE position >= $1 ORDER BY position LIMIT $2", connection, transaction))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = from });
                    command.Parameters.Add(new NpgsqlParameter { Value = EventPage });
                    using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        page.Add((checked((ulong)reader.GetInt64(0)), reader.GetGuid(1), reader.GetString(2), (byte[])reader[3]));
                    }
                }

                foreach (var (position, id, type, bytes) in page)
                {
                    checkedRows++;
                    for (; expected < position && expected < treeSize; expected++)
                    {
                        findings.Add($"event {expected}", "missing: the tree has a leaf here but no event row");
                    }

                    expected = position + 1;
                    if (position >= treeSize)
                    {
                        findings.Add($"event {position}", $"beyond the tree size {treeSize}: stored but never integrated");
                        continue;
                    }

                    if (!AuditEntry.TryParse(bytes, out var entry, out var error))
                    {
                        findings.Add($"event {position}", $"its entry is not a valid canonical audit entry ({error})");
                    }
                    else if (entry.Id != id || entry.Type.ToString() != type)
                    {
                        findings.Add($"event {position}", "the event_id or event_type column differs from the entry");
                    }

                    // The level-0 tile holding this leaf: read once per 256 events.
                    var tileId = new TileId(0, position / TileId.Width);
                    if (tile?.Id != tileId)
                    {
                        tile = (await TilesAsync([tileId]).ConfigureAwait(false)).GetValueOrDefault(tileId);
                    }

                    var offset = (int)(position % TileId.Width);
                    if (tile is not null && tile.Width > offset && tile[offset] != TreeHash.OfLeaf(bytes))
                    {
                        findings.Add($"event {position}", $"its leaf hash differs from hash {offset} of tile {TilePath.Format(tileId)}: the event or the tile was changed");
                    }
                }

                if (page.Count < EventPage)
                {
                    break;
                }

                from = checked((long)page[^1].Position + 1);
            }

            for (; expected < treeSize; expected++)
            {
                findings.Add($"event {expected}", "missing: the tree has a leaf here but no event row");
            }

            return checkedRows;
        }

        public async Task<long> TilesAsync(ulong treeSize)
        {
            var checkedTiles = 0L;
            for (var level = 0; level <= TileId.MaxLevel; level++)
            {
                var shift = TileId.Height * level;
                var hashes = shift >= 64 ? 0 : treeSize >> shift;
                var expectedCount = (hashes + TileId.Width - 1) / TileId.Width;
                var next = 0UL;
                var any = false;
                var from = 0L;
                while (true)
                {
                    var rows = new List<(ulong Index, byte[] Hashes)>(TileId.Width);
                    using (var command = new NpgsqlCommand(
                        "SELECT idx, hashes FROM tiles WHERE level = $1 AND idx >= $2 ORDER BY idx LIMIT 256", connection, transaction))
                    {
                        command.Parameters.Add(new NpgsqlParameter { Value = (short)level });
                        command.Parameters.Add(new NpgsqlParameter { Value = from });
                        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows.Add((checked((ulong)reader.GetInt64(0)), (byte[])reader[1]));
                        }
                    }

                    any |= rows.Count > 0;
                    next = await CheckTilesAsync(level, rows, next, treeSize).ConfigureAwait(false);
                    checkedTiles += rows.Count;
                    if (rows.Count < TileId.Width)
                    {
                        break;
                    }

                    from = checked((long)rows[^1].Index + 1);
                }

                for (; next < expectedCount; next++)
                {
                    findings.Add(TilePath.Format(new TileId(level, next)), "missing");
                }

                if (hashes == 0 && !any)
                {
                    break;
                }
            }

            return checkedTiles;
        }

        private async Task<ulong> CheckTilesAsync(int level, List<(ulong Index, byte[] Hashes)> rows, ulong next, ulong treeSize)
        {
            var shift = TileId.Height * level;
            var hashes = shift >= 64 ? 0 : treeSize >> shift;
            Tile? parent = null;
            foreach (var (index, bytes) in rows)
            {
                var id = new TileId(level, index);
                var where = TilePath.Format(id);
                for (; next < index && next * TileId.Width < hashes; next++)
                {
                    findings.Add(TilePath.Format(new TileId(level, next)), "missing");
                }

                next = index + 1;
                var width = id.WidthAt(treeSize);
                if (!Tile.TryCreate(id, bytes, out var tile))
                {
                    findings.Add(where, "its length is not 1 to 256 hashes");
                    continue;
                }

                if (width == 0)
                {
                    findings.Add(where, "beyond the tree: no leaves of the tree fall into it");
                    continue;
                }

                if (tile.Width < width)
                {
                    findings.Add(where, $"holds {tile.Width} hashes; the tree needs {width}");
                    continue;
                }

                if (tile.Width > width)
                {
                    findings.Add(where, $"holds {tile.Width} hashes, more than the {width} the tree has");
                }

                if (!tile.IsFull)
                {
                    continue; // Partial tiles are never hashed into the level above; the root check covers them.
                }

                // A full tile's root is the hash its parent tile holds for it.
                var parentId = new TileId(level + 1, index / TileId.Width);
                if (parent?.Id != parentId)
                {
                    parent = (await TilesAsync([parentId]).ConfigureAwait(false)).GetValueOrDefault(parentId);
                }

                var slot = (int)(index % TileId.Width);
                if (parent is not null && parent.Width > slot && parent[slot] != tile.Root())
                {
                    findings.Add(where, $"its hashes do not give hash {slot} of its parent tile {TilePath.Format(parentId)}: this tile or the parent was changed");
                }
            }

            return next;
        }

        public async Task StreamsAsync()
        {
            using var command = new NpgsqlCommand(
                "SELECT coalesce(e.stream_id, s.stream_id), e.n, e.lo, e.hi, s.version FROM " +
                "(SELECT stream_id, count(*) AS n, min(stream_version) AS lo, max(stream_version) AS hi FROM events GROUP BY stream_id) e " +
                "FULL JOIN streams s USING (stream_id) WHERE e.n IS NULL OR s.version IS NULL OR e.lo <> 1 OR e.hi <> e.n OR s.version <> e.hi",
                connection, transaction);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var stream = reader.GetString(0);
                var describe = reader.IsDBNull(1)
                    ? $"listed at version {reader.GetInt64(4)} but has no events"
                    : reader.IsDBNull(4)
                        ? "has events but no row in streams"
                        : string.Create(CultureInfo.InvariantCulture,
                            $"has {reader.GetInt64(1)} events with versions {reader.GetInt64(2)}..{reader.GetInt64(3)} and stream version {reader.GetInt64(4)}; they must be 1..n and n");
                findings.Add($"stream {stream}", describe);
            }
        }

        public async Task<TreeHash?> RootAsync(ulong size, string where)
        {
            try
            {
                return TileProofs.Root(size, await TilesAsync(TileProofs.TilesForRoot(size)).ConfigureAwait(false));
            }
            catch (AuditLogIntegrityException e)
            {
                findings.Add(where, $"the root at size {size} cannot be recomputed: {e.Message}");
                return null;
            }
        }

        public async Task<int> CheckpointsAsync(ulong treeSize, NoteVerifierKey? logKey)
        {
            var notes = new List<(ulong Size, byte[] Root, string Note)>();
            using (var command = new NpgsqlCommand("SELECT tree_size, root, note FROM checkpoints ORDER BY tree_size", connection, transaction))
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    notes.Add((checked((ulong)reader.GetInt64(0)), (byte[])reader[1], reader.GetString(2)));
                }
            }

            foreach (var (size, root, note) in notes)
            {
                var where = $"checkpoint {size}";
                if (!SignedCheckpoint.TryParse(note, out var checkpoint, out var error))
                {
                    findings.Add(where, $"its note does not parse ({error})");
                    continue;
                }

                if (checkpoint.Checkpoint.TreeSize != size || !checkpoint.Checkpoint.RootHash.ToArray().AsSpan().SequenceEqual(root))
                {
                    findings.Add(where, "its note names another size or root than its row");
                }

                if (logKey is not null && checkpoint.Verify(logKey.Name, logKey) is var check && check != CheckpointError.None)
                {
                    findings.Add(where, $"its signature does not verify with the log key ({check})");
                }

                if (size > treeSize)
                {
                    findings.Add(where, $"signed at size {size}, beyond the tree size {treeSize}: the log was rolled back");
                    continue;
                }

                if (await RootAsync(size, where).ConfigureAwait(false) is { } recomputed && recomputed != checkpoint.Checkpoint.RootHash)
                {
                    findings.Add(where, $"its root {checkpoint.Checkpoint.RootHash} differs from the root {recomputed} recomputed from the tiles");
                }
            }

            return notes.Count;
        }

        private Task<Dictionary<TileId, Tile>> TilesAsync(IReadOnlyList<TileId> ids) =>
            TileQueries.ReadAsync(connection, transaction, ids, cancellationToken);
    }

    private sealed class Findings
    {
        public List<LogFinding> List { get; } = [];

        public long More { get; private set; }

        public void Add(string where, string what)
        {
            if (List.Count < MaxFindings)
            {
                List.Add(new LogFinding(where, what));
            }
            else
            {
                More++;
            }
        }
    }
}
