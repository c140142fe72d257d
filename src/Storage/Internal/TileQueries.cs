using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Tiles;
using Npgsql;

namespace IdentityEhr.Storage.Internal;

/// <summary>Reads and writes rows of the <c>tiles</c> table.</summary>
internal static class TileQueries
{
    public static async Task<Dictionary<TileId, Tile>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<TileId> ids, CancellationToken cancellationToken)
    {
        var tiles = new Dictionary<TileId, Tile>(ids.Count);
        if (ids.Count == 0)
        {
            return tiles;
        }

        // A proof needs a handful of tiles: one primary-key lookup each, all in one round trip, so the plan never depends on
        // statistics. Longer lists (the right edge, verification) join against the array.
        using var batch = new NpgsqlBatch(connection, transaction);
        if (ids.Count <= 16)
        {
            foreach (var id in ids)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT level, idx, hashes FROM tiles WHERE level = $1 AND idx = $2")
                {
                    Parameters = { new NpgsqlParameter { Value = (short)id.Level }, new NpgsqlParameter { Value = checked((long)id.Index) } },
                });
            }
        }
        else
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT t.level, t.idx, t.hashes FROM tiles t JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) USING (level, idx)")
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = ids.Select(i => (short)i.Level).ToArray() },
                    new NpgsqlParameter { Value = ids.Select(i => checked((long)i.Index)).ToArray() },
                },
            });
        }

        using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = new TileId(reader.GetInt16(0), checked((ulong)reader.GetInt64(1)));
                if (!Tile.TryCreate(id, (byte[])reader[2], out var tile))
                {
                    throw new AuditLogIntegrityException($"tile {TilePath.Format(id)} is stored with a length that is not 1 to 256 hashes");
                }

                tiles[id] = tile;
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        return tiles;
    }

    /// <summary>Writes tiles; a stored tile is only ever replaced by a wider one, never narrowed or rewritten at its width.</summary>
    public static NpgsqlBatchCommand Upsert(IReadOnlyList<Tile> tiles) =>
        new("INSERT INTO tiles (level, idx, hashes) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[]) " +
            "ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes WHERE length(EXCLUDED.hashes) > length(tiles.hashes)")
        {
            Parameters =
            {
                new NpgsqlParameter { Value = tiles.Select(t => (short)t.Id.Level).ToArray() },
                new NpgsqlParameter { Value = tiles.Select(t => checked((long)t.Id.Index)).ToArray() },
                new NpgsqlParameter { Value = tiles.Select(t => t.Hashes.ToArray()).ToArray() },
            },
        };
}
