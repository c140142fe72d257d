using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Tiles;

/// <summary>A hash tile's content: 1 to 256 hashes of 32 bytes, concatenated.</summary>
/// <remarks>C2SP tlog-tiles. A tile with fewer than 256 hashes is partial; its hashes never change as it fills up.</remarks>
public sealed class Tile
{
    private readonly byte[] _hashes;

    private Tile(TileId id, byte[] hashes)
    {
        Id = id;
        _hashes = hashes;
    }

    /// <summary>Gets where the tile sits.</summary>
    public TileId Id { get; }

    /// <summary>Gets the number of hashes, 1 to 256.</summary>
    public int Width => _hashes.Length / TreeHash.SizeInBytes;

    /// <summary>Gets a value saying whether the tile holds all 256 hashes.</summary>
    public bool IsFull => Width == TileId.Width;

    /// <summary>Gets the concatenated hashes, as served at the tile's path.</summary>
    public ReadOnlyMemory<byte> Hashes => _hashes;

    /// <summary>Checks and wraps a tile's bytes.</summary>
    /// <param name="id">Where the tile sits.</param>
    /// <param name="hashes">1 to 256 hashes, concatenated.</param>
    /// <param name="tile">The tile, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the length is a whole number of hashes between 1 and 256.</returns>
    public static bool TryCreate(TileId id, ReadOnlySpan<byte> hashes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tile? tile)
    {
        var valid = hashes.Length > 0 && hashes.Length % TreeHash.SizeInBytes == 0 && hashes.Length <= TileId.Width * TreeHash.SizeInBytes
            && id.Level is >= 0 and <= TileId.MaxLevel;
        tile = valid ? new Tile(id, hashes.ToArray()) : null;
        return valid;
    }

    internal static Tile Own(TileId id, byte[] hashes) => new(id, hashes);

    /// <summary>Gets the hash at <paramref name="position"/>.</summary>
    /// <param name="position">0 to <see cref="Width"/> − 1.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is outside the tile.</exception>
    public TreeHash this[int position]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(position);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Width);
            return TreeHash.Create(_hashes.AsSpan(position * TreeHash.SizeInBytes, TreeHash.SizeInBytes));
        }
    }

    /// <summary>Computes the root of a full tile's 256 hashes: the hash its parent tile holds for it.</summary>
    /// <returns>The root.</returns>
    /// <exception cref="InvalidOperationException">The tile is partial; partial tiles are never hashed into the level above.</exception>
    public TreeHash Root() => IsFull
        ? Internal.TileHashing.PerfectRoot(_hashes)
        : throw new InvalidOperationException("Only a full tile has a root in the level above.");

    internal ReadOnlySpan<byte> Span => _hashes;
}
