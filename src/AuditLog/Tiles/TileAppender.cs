using System.Collections.Immutable;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Tiles;

/// <summary>The right edge of a tiled tree: appends leaf hashes and says which tiles changed, holding only the partial tiles.</summary>
/// <remarks>
/// Memory stays at one partial tile per level (at most 8 KiB each) however large the tree grows: full tiles are handed to the
/// caller to store and forgotten. Each full tile's root becomes the next hash one level up (C2SP tlog-tiles). The type is
/// immutable: <see cref="Append"/> returns a new edge, so a failed commit simply keeps using the old one.
/// </remarks>
public sealed class TileAppender
{
    private const int TileBytes = TileId.Width * TreeHash.SizeInBytes;

    // Per tile level: the hashes of its current partial tile (0 to 255 of them).
    private readonly ImmutableArray<byte[]> _edges;

    private TileAppender(ulong treeSize, ImmutableArray<byte[]> edges)
    {
        TreeSize = treeSize;
        _edges = edges;
    }

    /// <summary>Gets the edge of the empty tree.</summary>
    public static TileAppender Empty { get; } = new(0, []);

    /// <summary>Gets the number of leaves appended so far.</summary>
    public ulong TreeSize { get; }

    /// <summary>Rebuilds the edge of a stored tree from its right-edge tiles.</summary>
    /// <param name="treeSize">The stored tree size.</param>
    /// <param name="tiles">At least the tiles <see cref="TileId.RightEdge"/> lists for that size; wider ones are cut to size.</param>
    /// <returns>The edge.</returns>
    /// <exception cref="AuditLogIntegrityException">A right-edge tile is missing or narrower than the size needs.</exception>
    public static TileAppender Restore(ulong treeSize, IReadOnlyDictionary<TileId, Tile> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var edges = ImmutableArray.CreateBuilder<byte[]>();
        for (var level = 0; level * TileId.Height < 64 && (treeSize >> (level * TileId.Height)) != 0; level++)
        {
            var hashes = treeSize >> (level * TileId.Height);
            var width = (int)(hashes % TileId.Width);
            var edge = new byte[width * TreeHash.SizeInBytes];
            if (width > 0)
            {
                var id = new TileId(level, hashes / TileId.Width);
                if (!tiles.TryGetValue(id, out var tile) || tile.Width < width)
                {
                    throw new AuditLogIntegrityException(
                        $"tile {TilePath.Format(id)} is missing or narrower than the {width} hashes a tree of {treeSize} needs");
                }

                tile.Span[..edge.Length].CopyTo(edge);
            }

            edges.Add(edge);
        }

        return new TileAppender(treeSize, edges.ToImmutable());
    }

    /// <summary>Appends leaf hashes.</summary>
    /// <param name="leafHashes">The new leaves' hashes, in order.</param>
    /// <param name="changedTiles">Every tile the append wrote: tiles that became full, then the new partial tile of each level that grew.</param>
    /// <returns>The edge after the append.</returns>
    public TileAppender Append(ReadOnlySpan<TreeHash> leafHashes, out IReadOnlyList<Tile> changedTiles)
    {
        var buffers = new List<byte[]>(_edges.Length + 1);
        var widths = new List<int>(_edges.Length + 1);
        foreach (var edge in _edges)
        {
            var buffer = new byte[TileBytes];
            edge.CopyTo(buffer, 0);
            buffers.Add(buffer);
            widths.Add(edge.Length / TreeHash.SizeInBytes);
        }

        var changed = new List<Tile>();
        var touched = new bool[64 / TileId.Height + 1];
        var size = TreeSize;
        foreach (var leaf in leafHashes)
        {
            size = checked(size + 1);
            var hash = leaf;
            for (var level = 0; ; level++)
            {
                if (level == buffers.Count)
                {
                    buffers.Add(new byte[TileBytes]);
                    widths.Add(0);
                }

                hash.CopyTo(buffers[level].AsSpan(widths[level] * TreeHash.SizeInBytes));
                widths[level]++;
                touched[level] = true;
                if (widths[level] < TileId.Width)
                {
                    break;
                }

                // The tile is full: store it, and its root is the next hash one tile level up.
                var index = (size >> (TileId.Height * (level + 1))) - 1;
                changed.Add(Tile.Own(new TileId(level, index), (byte[])buffers[level].Clone()));
                hash = TileHashing.PerfectRoot(buffers[level]);
                widths[level] = 0;
            }
        }

        var edges = ImmutableArray.CreateBuilder<byte[]>(buffers.Count);
        for (var level = 0; level < buffers.Count; level++)
        {
            var bytes = buffers[level].AsSpan(0, widths[level] * TreeHash.SizeInBytes).ToArray();
            edges.Add(bytes);
            if (touched[level] && bytes.Length > 0)
            {
                var index = (size >> (TileId.Height * level)) / TileId.Width;
                changed.Add(Tile.Own(new TileId(level, index), bytes));
            }
        }

        changedTiles = changed;
        return new TileAppender(size, edges.MoveToImmutable());
    }

    /// <summary>Computes the root hash of the tree.</summary>
    /// <returns>The RFC 9162 root at <see cref="TreeSize"/>.</returns>
    public TreeHash Root()
    {
        if (TreeSize == 0)
        {
            return TreeHash.Empty;
        }

        // Every complete subtree of the root's decomposition lies in some level's partial tile.
        return new LeafRange(0, TreeSize).Hash(node => TileHashing.NodeHash(node, id =>
            id.Level < _edges.Length && id.Index == (TreeSize >> (TileId.Height * id.Level)) / TileId.Width ? _edges[id.Level] : []));
    }

    /// <summary>Gets the current partial tiles, lowest level first.</summary>
    /// <returns>The right-edge tiles of the tree at <see cref="TreeSize"/>.</returns>
    public IReadOnlyList<Tile> RightEdge() =>
        [.. _edges.Select((bytes, level) => (bytes, level)).Where(e => e.bytes.Length > 0)
            .Select(e => Tile.Own(new TileId(e.level, (TreeSize >> (TileId.Height * e.level)) / TileId.Width), e.bytes))];
}
