using System.Globalization;
using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Tiles;
using Npgsql;

namespace IdentityEhr.Storage;

/// <content>Walking the whole log and recomputing it (<c>ehr log verify</c>).</content>
public sealed partial class LogStore
{
    /// <summary>The most findings a verification reports one by one.</summary>
    public const int MaxFindings = 1000;

    /// <summary>Reads every event, tile, stream and checkpoint, recomputes the tree and reports every difference, and where.</summary>
    /// <param name="logKey">The log's verifier key to check checkpoint signatures with, or <see langword="null"/> to skip them.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>What was checked and what was found.</returns>
    /// <remarks>
    /// Memory stays bounded: events stream in position order and are compared with the level-0 tile that holds their leaf;
    /// each tile is compared with the hash its parent tile holds for it; the root and every checkpoint are recomputed from the
    /// tiles. So a changed, deleted or moved event row shows at its position, and a changed tile shows at that tile.
    /// </remarks>
    public async Task<LogVerification> VerifyAsync(NoteVerifierKey? logKey = null, CancellationToken cancellationToken = default)
    {
        var findings = new Findings();
        var state = await GetTreeStateAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var events = await VerifyEventsAsync(connection, state.TreeSize, findings, cancellationToken).ConfigureAwait(false);
            var tiles = await VerifyTilesAsync(connection, state.TreeSize, findings, cancellationToken).ConfigureAwait(false);
            await VerifyStreamsAsync(connection, findings, cancellationToken).ConfigureAwait(false);
            var root = await RootFromTilesAsync(state.TreeSize, findings, "log_state", cancellationToken).ConfigureAwait(false);
            if (root is { } recomputed && recomputed != state.Root)
            {
                findings.Add("log_state", $"root {state.Root} differs from the root {recomputed} recomputed from the tiles at size {state.TreeSize}");
            }

            var checkpoints = await VerifyCheckpointsAsync(connection, state.TreeSize, logKey, findings, cancellationToken).ConfigureAwait(false);
            return new LogVerification(state.TreeSize, events, tiles, checkpoints, findings.List, findings.More);
        }
    }

    private async Task<long> VerifyEventsAsync(NpgsqlConnection connection, ulong treeSize, Findings findings, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT position, event_id, event_type, entry FROM events ORDER BY position", connection);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var expected = 0UL;
        var checkedRows = 0L;
        Tile? tile = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = checked((ulong)reader.GetInt64(0));
            var bytes = (byte[])reader[3];
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
            else if (entry.Id != reader.GetGuid(1) || entry.Type.ToString() != reader.GetString(2))
            {
                findings.Add($"event {position}", "the event_id or event_type column differs from the entry");
            }

            // The level-0 tile holding this leaf: read once per 256 events.
            var id = new TileId(0, position / TileId.Width);
            if (tile?.Id != id)
            {
                tile = (await ReadTilesAsync([id], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(id);
            }

            var offset = (int)(position % TileId.Width);
            if (tile is null || tile.Width <= offset)
            {
                continue; // Reported by the tile walk.
            }

            if (tile[offset] != TreeHash.OfLeaf(bytes))
            {
                findings.Add($"event {position}", $"its leaf hash differs from hash {offset} of tile {TilePath.Format(id)}: the event or the tile was changed");
            }
        }

        for (; expected < treeSize; expected++)
        {
            findings.Add($"event {expected}", "missing: the tree has a leaf here but no event row");
        }

        return checkedRows;
    }

    private async Task<long> VerifyTilesAsync(NpgsqlConnection connection, ulong treeSize, Findings findings, CancellationToken cancellationToken)
    {
        var checkedTiles = 0L;
        for (var level = 0; level <= TileId.MaxLevel; level++)
        {
            var shift = TileId.Height * level;
            var hashes = shift >= 64 ? 0 : treeSize >> shift;
            using var command = new NpgsqlCommand("SELECT idx, hashes FROM tiles WHERE level = $1 ORDER BY idx", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = (short)level });
            var expectedCount = (hashes + TileId.Width - 1) / TileId.Width;
            var next = 0UL;
            var rows = new List<(ulong Index, byte[] Hashes)>();
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((checked((ulong)reader.GetInt64(0)), (byte[])reader[1]));
                    if (rows.Count == 256)
                    {
                        next = await CheckTilesAsync(level, rows, next, treeSize, findings, cancellationToken).ConfigureAwait(false);
                        checkedTiles += rows.Count;
                        rows.Clear();
                    }
                }
            }

            next = await CheckTilesAsync(level, rows, next, treeSize, findings, cancellationToken).ConfigureAwait(false);
            checkedTiles += rows.Count;
            for (; next < expectedCount; next++)
            {
                findings.Add($"{TilePath.Format(new TileId(level, next))}", "missing");
            }

            if (hashes == 0 && rows.Count == 0 && next == 0)
            {
                break;
            }
        }

        return checkedTiles;
    }

    private async Task<ulong> CheckTilesAsync(int level, List<(ulong Index, byte[] Hashes)> rows, ulong next, ulong treeSize, Findings findings, CancellationToken cancellationToken)
    {
        var shift = TileId.Height * level;
        var hashes = shift >= 64 ? 0 : treeSize >> shift;
        Tile? parent = null;
        foreach (var (index, bytes) in rows)
        {
            var id = new TileId(level, index);
            var where = $"{TilePath.Format(id)}";
            for (; next < index && next * TileId.Width < hashes; next++)
            {
                findings.Add($"{TilePath.Format(new TileId(level, next))}", "missing");
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
                parent = (await ReadTilesAsync([parentId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(parentId);
            }

            var slot = (int)(index % TileId.Width);
            if (parent is not null && parent.Width > slot && parent[slot] != tile.Root())
            {
                findings.Add(where, $"its hashes do not give hash {slot} of its parent tile {TilePath.Format(parentId)}: this tile or the parent was changed");
            }
        }

        return next;
    }

    private static async Task VerifyStreamsAsync(NpgsqlConnection connection, Findings findings, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT coalesce(e.stream_id, s.stream_id), e.n, e.lo, e.hi, s.version FROM " +
            "(SELECT stream_id, count(*) AS n, min(stream_version) AS lo, max(stream_version) AS hi FROM events GROUP BY stream_id) e " +
            "FULL JOIN streams s USING (stream_id) WHERE e.n IS NULL OR s.version IS NULL OR e.lo <> 1 OR e.hi <> e.n OR s.version <> e.hi",
            connection);
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

    private async Task<TreeHash?> RootFromTilesAsync(ulong size, Findings findings, string where, CancellationToken cancellationToken)
    {
        try
        {
            var tiles = await ReadTilesAsync(TileProofs.TilesForRoot(size), cancellationToken).ConfigureAwait(false);
            return TileProofs.Root(size, tiles);
        }
        catch (AuditLogIntegrityException e)
        {
            findings.Add(where, $"the root at size {size} cannot be recomputed: {e.Message}");
            return null;
        }
    }

    private async Task<int> VerifyCheckpointsAsync(NpgsqlConnection connection, ulong treeSize, NoteVerifierKey? logKey, Findings findings, CancellationToken cancellationToken)
    {
        var notes = new List<(ulong Size, byte[] Root, string Note)>();
        using (var command = new NpgsqlCommand("SELECT tree_size, root, note FROM checkpoints ORDER BY tree_size", connection))
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

            if (await RootFromTilesAsync(size, findings, where, cancellationToken).ConfigureAwait(false) is { } recomputed && recomputed != checkpoint.Checkpoint.RootHash)
            {
                findings.Add(where, $"its root {checkpoint.Checkpoint.RootHash} differs from the root {recomputed} recomputed from the tiles");
            }
        }

        return notes.Count;
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
