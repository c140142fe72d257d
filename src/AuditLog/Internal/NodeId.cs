namespace IdentityEhr.AuditLog.Internal;

/// <summary>A complete subtree: 2^<see cref="Level"/> leaves starting at leaf <see cref="Index"/> · 2^<see cref="Level"/>.</summary>
/// <param name="Level">The subtree's height; 0 is a leaf.</param>
/// <param name="Index">Its position among the subtrees of that height, from the left.</param>
internal readonly record struct NodeId(int Level, ulong Index)
{
    public ulong Begin => Index << Level;

    public ulong End => (Index + 1) << Level;
}
