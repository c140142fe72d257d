namespace IdentityEhr.AuditLog.Tiles;

/// <summary>A resource of the tlog-tiles read API: a hash tile or an entry bundle, full or partial.</summary>
/// <param name="IsEntryBundle"><see langword="true"/> for <c>tile/entries/…</c>, <see langword="false"/> for a hash tile.</param>
/// <param name="Level">The hash tile's level (0 to 63); 0 for an entry bundle.</param>
/// <param name="Index">The tile's or bundle's index.</param>
/// <param name="PartialWidth">1 to 255 for a partial resource; 0 for a full one.</param>
public readonly record struct TileResource(bool IsEntryBundle, int Level, ulong Index, int PartialWidth)
{
    /// <summary>Gets the number of hashes or entries the resource holds: its partial width, or 256.</summary>
    public int Width => PartialWidth == 0 ? TileId.Width : PartialWidth;

    /// <summary>Gets the hash tile this names; only meaningful when <see cref="IsEntryBundle"/> is <see langword="false"/>.</summary>
    public TileId TileId => new(Level, Index);

    /// <summary>Returns the resource's path, as <see cref="TilePath.Format(TileId, int)"/> writes it.</summary>
    /// <returns>The path without a prefix, for example <c>tile/0/x001/234.p/5</c>.</returns>
    public override string ToString() =>
        IsEntryBundle ? TilePath.FormatEntryBundle(Index, PartialWidth) : TilePath.Format(TileId, PartialWidth);
}
