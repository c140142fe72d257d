using IdentityEhr.AuditLog.Tiles;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>Gives a tile's stored hashes, or an empty span when the tile is not at hand.</summary>
internal delegate ReadOnlySpan<byte> TileLookup(TileId id);
