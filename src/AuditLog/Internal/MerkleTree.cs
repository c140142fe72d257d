using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>RFC 9162 over leaf hashes held in memory: the reference the tiled code is checked against.</summary>
internal static class MerkleTree
{
    /// <summary>MTH(D[begin:end]) computed straight from the definition (RFC 9162 §2.1.1).</summary>
    public static TreeHash Hash(IReadOnlyList<TreeHash> leaves, ulong begin, ulong end)
    {
        var n = end - begin;
        if (n == 0)
        {
            return TreeHash.Empty;
        }

        if (n == 1)
        {
            return leaves[(int)begin];
        }

        var k = 1UL << System.Numerics.BitOperations.Log2(n - 1);
        return TreeHash.OfNode(Hash(leaves, begin, begin + k), Hash(leaves, begin + k, end));
    }

    public static TreeHash Root(IReadOnlyList<TreeHash> leaves) => Hash(leaves, 0, (ulong)leaves.Count);

    public static InclusionProof Inclusion(ulong index, IReadOnlyList<TreeHash> leaves) =>
        new(index, (ulong)leaves.Count, [.. LeafRange.Inclusion(index, (ulong)leaves.Count).Select(r => Hash(leaves, r.Begin, r.End))]);

    public static ConsistencyProof Consistency(ulong oldSize, IReadOnlyList<TreeHash> leaves) =>
        new(oldSize, (ulong)leaves.Count, [.. LeafRange.Consistency(oldSize, (ulong)leaves.Count).Select(r => Hash(leaves, r.Begin, r.End))]);
}
