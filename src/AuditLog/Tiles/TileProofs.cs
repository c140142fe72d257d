using System.Collections.Immutable;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Tiles;

/// <summary>Builds roots, inclusion proofs and consistency proofs from hash tiles, as any tlog-tiles client can.</summary>
/// <remarks>
/// Two steps, so the caller fetches every tile it needs at once: ask which tiles a proof needs (<c>TilesFor…</c>), load them,
/// then build. Hashes above a tile's stored row are recomputed from the row (C2SP tlog-tiles, "proof construction").
/// The tiles may be wider than the tree size asks for: a tile's hashes never change as it fills, so today's tile answers
/// for every earlier size.
/// </remarks>
public static class TileProofs
{
    /// <summary>Lists the tiles needed for the root of a tree.</summary>
    /// <param name="treeSize">The tree size.</param>
    /// <returns>The tiles, without duplicates.</returns>
    public static IReadOnlyList<TileId> TilesForRoot(ulong treeSize) =>
        treeSize == 0 ? [] : TilesOf([new LeafRange(0, treeSize)]);

    /// <summary>Lists the tiles needed for an inclusion proof and the root it leads to.</summary>
    /// <param name="leafIndex">The leaf index.</param>
    /// <param name="treeSize">The tree size.</param>
    /// <returns>The tiles, without duplicates.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leafIndex"/> is not below <paramref name="treeSize"/>.</exception>
    public static IReadOnlyList<TileId> TilesForInclusion(ulong leafIndex, ulong treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);
        return TilesOf([.. LeafRange.Inclusion(leafIndex, treeSize), new LeafRange(0, treeSize), new LeafRange(leafIndex, leafIndex + 1)]);
    }

    /// <summary>Lists the tiles needed for a consistency proof and both roots.</summary>
    /// <param name="oldSize">The older size, at least 1.</param>
    /// <param name="newSize">The newer size.</param>
    /// <returns>The tiles, without duplicates.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are not 0 &lt; old ≤ new.</exception>
    public static IReadOnlyList<TileId> TilesForConsistency(ulong oldSize, ulong newSize)
    {
        ArgumentOutOfRangeException.ThrowIfZero(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        return TilesOf([.. LeafRange.Consistency(oldSize, newSize), new LeafRange(0, oldSize), new LeafRange(0, newSize)]);
    }

    /// <summary>Computes the root of a tree from its tiles.</summary>
    /// <param name="treeSize">The tree size.</param>
    /// <param name="tiles">The tiles <see cref="TilesForRoot"/> listed.</param>
    /// <returns>The root hash.</returns>
    /// <exception cref="AuditLogIntegrityException">A needed tile is missing or too short.</exception>
    public static TreeHash Root(ulong treeSize, IReadOnlyDictionary<TileId, Tile> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return treeSize == 0 ? TreeHash.Empty : new LeafRange(0, treeSize).Hash(Reader(tiles));
    }

    /// <summary>Gets a leaf hash from the level-0 tile that holds it.</summary>
    /// <param name="leafIndex">The leaf index.</param>
    /// <param name="tiles">Tiles including the leaf's level-0 tile.</param>
    /// <returns>The leaf hash.</returns>
    /// <exception cref="AuditLogIntegrityException">The tile is missing or too short.</exception>
    public static TreeHash LeafHash(ulong leafIndex, IReadOnlyDictionary<TileId, Tile> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return Reader(tiles)(new NodeId(0, leafIndex));
    }

    /// <summary>Builds the inclusion proof of a leaf from tiles.</summary>
    /// <param name="leafIndex">The leaf index.</param>
    /// <param name="treeSize">The tree size.</param>
    /// <param name="tiles">The tiles <see cref="TilesForInclusion"/> listed.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leafIndex"/> is not below <paramref name="treeSize"/>.</exception>
    /// <exception cref="AuditLogIntegrityException">A needed tile is missing or too short.</exception>
    public static InclusionProof Inclusion(ulong leafIndex, ulong treeSize, IReadOnlyDictionary<TileId, Tile> tiles)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);
        ArgumentNullException.ThrowIfNull(tiles);
        var reader = Reader(tiles);
        var path = LeafRange.Inclusion(leafIndex, treeSize).Select(r => r.Hash(reader)).ToImmutableArray();
        return new InclusionProof(leafIndex, treeSize, path);
    }

    /// <summary>Builds the consistency proof between two sizes from tiles.</summary>
    /// <param name="oldSize">The older size, at least 1.</param>
    /// <param name="newSize">The newer size.</param>
    /// <param name="tiles">The tiles <see cref="TilesForConsistency"/> listed.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are not 0 &lt; old ≤ new.</exception>
    /// <exception cref="AuditLogIntegrityException">A needed tile is missing or too short.</exception>
    public static ConsistencyProof Consistency(ulong oldSize, ulong newSize, IReadOnlyDictionary<TileId, Tile> tiles)
    {
        ArgumentOutOfRangeException.ThrowIfZero(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        ArgumentNullException.ThrowIfNull(tiles);
        var reader = Reader(tiles);
        var path = LeafRange.Consistency(oldSize, newSize).Select(r => r.Hash(reader)).ToImmutableArray();
        return new ConsistencyProof(oldSize, newSize, path);
    }

    private static Func<NodeId, TreeHash> Reader(IReadOnlyDictionary<TileId, Tile> tiles) =>
        node => TileHashing.NodeHash(node, id => tiles.TryGetValue(id, out var tile) ? tile.Span : []);

    private static List<TileId> TilesOf(IEnumerable<LeafRange> ranges)
    {
        var nodes = new List<NodeId>();
        foreach (var range in ranges)
        {
            range.Decompose(nodes);
        }

        return [.. nodes.Select(TileHashing.TileOf).Distinct()];
    }
}
