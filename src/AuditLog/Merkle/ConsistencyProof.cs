using System.Collections.Immutable;
using System.Numerics;

namespace IdentityEhr.AuditLog.Merkle;

/// <summary>The hashes that show a tree of <see cref="OldSize"/> leaves is a prefix of the tree of <see cref="NewSize"/> leaves.</summary>
/// <param name="OldSize">The size of the older tree; at least 1.</param>
/// <param name="NewSize">The size of the newer tree.</param>
/// <param name="Path">The hashes, as RFC 9162 PROOF(m, D[n]) lists them.</param>
/// <remarks>
/// RFC 9162 §2.1.4 (PROOF) and §2.1.4.2 (verification). A proof from the empty tree is refused: every tree extends the empty
/// one, so such a "proof" proves nothing; a protocol that starts from size 0 handles that case itself.
/// </remarks>
public sealed record ConsistencyProof(ulong OldSize, ulong NewSize, ImmutableArray<TreeHash> Path)
{
    /// <summary>Checks that the tree with root <paramref name="oldRoot"/> is a prefix of the tree with root <paramref name="newRoot"/>.</summary>
    /// <param name="oldRoot">The root at <see cref="OldSize"/>.</param>
    /// <param name="newRoot">The root at <see cref="NewSize"/>.</param>
    /// <returns>The outcome, with the reason when the proof does not hold.</returns>
    public MerkleProofCheck Verify(in TreeHash oldRoot, in TreeHash newRoot)
    {
        if (OldSize == 0)
        {
            return new(MerkleProofFailure.EmptyOldTree);
        }

        if (OldSize > NewSize)
        {
            return new(MerkleProofFailure.OldTreeLarger);
        }

        if (Path.Length != ExpectedLength(OldSize, NewSize))
        {
            return new(MerkleProofFailure.WrongLength);
        }

        if (OldSize == NewSize)
        {
            return new(oldRoot == newRoot ? MerkleProofFailure.None : MerkleProofFailure.RootMismatch);
        }

        // RFC 9162 §2.1.4.2: when the old size is a power of two its root is the first node and is not sent.
        var nodes = BitOperations.IsPow2(OldSize) ? Path.Insert(0, oldRoot) : Path;
        var fn = OldSize - 1;
        var sn = NewSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = nodes[0];
        var sr = nodes[0];
        for (var i = 1; i < nodes.Length; i++)
        {
            var c = nodes[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = TreeHash.OfNode(c, fr);
                sr = TreeHash.OfNode(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = TreeHash.OfNode(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return new(fr == oldRoot && sr == newRoot ? MerkleProofFailure.None : MerkleProofFailure.RootMismatch);
    }

    /// <summary>The number of hashes in a consistency proof between two sizes (0 &lt; old ≤ new).</summary>
    internal static int ExpectedLength(ulong oldSize, ulong newSize)
    {
        if (oldSize == newSize)
        {
            return 0;
        }

        // As transparency-dev/merkle counts it: the inclusion path of the old tree's last leaf in the new tree, less the levels
        // inside the old tree's rightmost complete subtree, plus that subtree's root unless it is the whole old tree.
        var shift = BitOperations.TrailingZeroCount(oldSize);
        var inner = 64 - BitOperations.LeadingZeroCount((oldSize - 1) ^ (newSize - 1));
        var border = BitOperations.PopCount(inner == 64 ? 0 : (oldSize - 1) >> inner);
        return (BitOperations.IsPow2(oldSize) ? 0 : 1) + (inner - shift) + border;
    }
}
