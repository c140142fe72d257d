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

        using var command = new NpgsqlCommand(
            "SELECT t.level, t.idx, t.hashes FROM tiles t JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) USING (level, idx)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = ids.Select(i => (short)i.Level).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.Select(i => checked((long)i.Index)).ToArray() });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = new TileId(reader.GetInt16(0), checked((ulong)reader.GetInt64(1)));
            if (!Tile.TryCreate(id, (byte[])reader[2], out var tile))
            {
                throw new AuditLogIntegrityException($"tile {TilePath.Format(id)} is stored with a length that is not 1 to 256 hashes");
            }

            tiles[id] = tile;
        }

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
