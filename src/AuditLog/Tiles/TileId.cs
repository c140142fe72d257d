namespace IdentityEhr.AuditLog.Tiles;

/// <summary>A hash tile's place in the tiled tree: its level and its index within that level.</summary>
/// <param name="Level">The tile level, 0 to 63; level-0 tiles hold leaf hashes.</param>
/// <param name="Index">The tile's index within its level, from 0.</param>
/// <remarks>C2SP tlog-tiles: tile <c>n</c> at level <c>l</c> holds MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]) for i in 0..255.</remarks>
public readonly record struct TileId(int Level, ulong Index)
{
    /// <summary>The number of hashes in a full tile.</summary>
    public const int Width = 256;

    /// <summary>The number of tree levels one tile level spans (log2 of <see cref="Width"/>).</summary>
    public const int Height = 8;

    /// <summary>The highest tile level the layout allows.</summary>
    public const int MaxLevel = 63;

    /// <summary>Gets the number of hashes this tile holds in a tree of <paramref name="treeSize"/> leaves: 0 (not yet), 1 to 255 (partial) or 256 (full).</summary>
    /// <param name="treeSize">The tree size.</param>
    /// <returns>The tile's width at that size.</returns>
    public int WidthAt(ulong treeSize)
    {
        // Hashes at this level: floor(size / 256^level); the tile covers [Index·256, Index·256 + 256) of them.
        var shift = Height * Level;
        var hashes = shift >= 64 ? 0 : treeSize >> shift;
        var first = Index * Width;
        if (Index > (ulong.MaxValue / Width) || hashes <= first)
        {
            return 0;
        }

        return (int)Math.Min(Width, hashes - first);
    }

    /// <summary>The tiles that hold the right edge of a tree: the partial tile of each level that has one.</summary>
    /// <param name="treeSize">The tree size.</param>
    /// <returns>The partial tiles, lowest level first; empty when every level's tiles are full.</returns>
    public static IReadOnlyList<TileId> RightEdge(ulong treeSize)
    {
        var tiles = new List<TileId>();
        for (var level = 0; level * Height < 64 && (treeSize >> (level * Height)) != 0; level++)
        {
            var hashes = treeSize >> (level * Height);
            if (hashes % Width != 0)
            {
                tiles.Add(new TileId(level, hashes / Width));
            }
        }

        return tiles;
    }
}
