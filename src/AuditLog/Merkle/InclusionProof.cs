using System.Collections.Immutable;
using System.Numerics;

namespace IdentityEhr.AuditLog.Merkle;

/// <summary>An audit path: the hashes that lead from one leaf to the root of a tree of a given size.</summary>
/// <param name="LeafIndex">The leaf's index, from 0.</param>
/// <param name="TreeSize">The number of leaves in the tree.</param>
/// <param name="Path">The hashes, the leaf's sibling first and the root's child last.</param>
/// <remarks>RFC 9162 §2.1.3 (PATH) and §2.1.3.2 (verification).</remarks>
public sealed record InclusionProof(ulong LeafIndex, ulong TreeSize, ImmutableArray<TreeHash> Path)
{
    /// <summary>Checks that the leaf hash sits at <see cref="LeafIndex"/> in the tree whose root is <paramref name="root"/>.</summary>
    /// <param name="leafHash">The leaf hash, SHA-256(0x00 ‖ entry).</param>
    /// <param name="root">The root hash of the tree of <see cref="TreeSize"/> leaves.</param>
    /// <returns>The outcome, with the reason when the proof does not hold.</returns>
    public MerkleProofCheck Verify(in TreeHash leafHash, in TreeHash root)
    {
        if (LeafIndex >= TreeSize)
        {
            return new(MerkleProofFailure.IndexOutsideTree);
        }

        if (Path.Length != ExpectedLength(LeafIndex, TreeSize))
        {
            return new(MerkleProofFailure.WrongLength);
        }

        return new(ComputeRoot(leafHash) == root ? MerkleProofFailure.None : MerkleProofFailure.RootMismatch);
    }

    /// <summary>The number of hashes in the audit path of <paramref name="index"/> in a tree of <paramref name="size"/> leaves.</summary>
    /// <remarks>
    /// The path has one hash for each level where the leaf's subtree and the last leaf's subtree still differ ("inner"), then one
    /// for each complete subtree to the left along the right border ("border"); transparency-dev/merkle checks the same count.
    /// </remarks>
    internal static int ExpectedLength(ulong index, ulong size)
    {
        var inner = 64 - BitOperations.LeadingZeroCount(index ^ (size - 1));
        var border = BitOperations.PopCount(inner == 64 ? 0 : index >> inner);
        return inner + border;
    }

    private TreeHash ComputeRoot(in TreeHash leafHash)
    {
        // RFC 9162 §2.1.3.2, steps 3 and 4.
        var fn = LeafIndex;
        var sn = TreeSize - 1;
        var r = leafHash;
        foreach (var p in Path)
        {
            if ((fn & 1) == 1 || fn == sn)
            {
                r = TreeHash.OfNode(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = TreeHash.OfNode(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return r;
    }
}
