using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Tiles;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>Reads complete-subtree hashes out of tiles, recomputing the levels a tile does not store.</summary>
internal static class TileHashing
{
    /// <summary>Hash of a complete subtree, from the tile row that holds its descendants.</summary>
    /// <param name="node">The subtree.</param>
    /// <param name="tiles">Gives a tile's stored hashes, or an empty span when it is not available.</param>
    /// <exception cref="AuditLogIntegrityException">The tile is missing or too short to hold the subtree.</exception>
    public static TreeHash NodeHash(NodeId node, TileLookup tiles)
    {
        // A tile at level L stores tree level 8L; a node j levels higher is the root of 2^j adjacent hashes in one tile.
        var tileLevel = node.Level / TileId.Height;
        var above = node.Level % TileId.Height;
        var row = node.Index << above;
        var count = 1 << above;
        var id = new TileId(tileLevel, row / TileId.Width);
        var offset = (int)(row % TileId.Width);
        var hashes = tiles(id);
        if (hashes.Length < (offset + count) * TreeHash.SizeInBytes)
        {
            throw new AuditLogIntegrityException(
                $"tile {TilePath.Format(id)} holds {hashes.Length / TreeHash.SizeInBytes} hashes; the tree needs at least {offset + count}");
        }

        return PerfectRoot(hashes.Slice(offset * TreeHash.SizeInBytes, count * TreeHash.SizeInBytes));
    }

    /// <summary>The tile whose stored row holds a complete subtree's descendants.</summary>
    public static TileId TileOf(NodeId node)
    {
        var row = node.Index << (node.Level % TileId.Height);
        return new TileId(node.Level / TileId.Height, row / TileId.Width);
    }

    /// <summary>Root of a complete subtree given its 2^k leaves' (or lower nodes') hashes, concatenated.</summary>
    public static TreeHash PerfectRoot(ReadOnlySpan<byte> hashes)
    {
        var count = hashes.Length / TreeHash.SizeInBytes;
        if (count == 1)
        {
            return TreeHash.Create(hashes);
        }

        // Reduce pairwise in place: at most 256 hashes, 8 KiB.
        Span<byte> work = stackalloc byte[hashes.Length];
        hashes.CopyTo(work);
        while (count > 1)
        {
            for (var i = 0; i < count / 2; i++)
            {
                var parent = TreeHash.OfNode(work.Slice(2 * i * TreeHash.SizeInBytes, 2 * TreeHash.SizeInBytes));
                parent.CopyTo(work[(i * TreeHash.SizeInBytes)..]);
            }

            count /= 2;
        }

        return TreeHash.Create(work[..TreeHash.SizeInBytes]);
    }
}
