using System.Numerics;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>
/// Subtree proofs of draft-ietf-plants-merkle-tree-certs (§4.3, §4.4; what tlog-cosignature's ML-DSA subtree cosignatures
/// sign): inclusion of a leaf in the subtree [start, end), and consistency of that subtree with a tree of n leaves.
/// </summary>
/// <remarks>
/// Not used by the service yet; kept so the upstream merkle-testdata corpus runs whole and subtree cosignatures can follow.
/// An empty subtree (start = end) is consistent with any tree when its hash is the empty hash, as transparency-dev/merkle
/// (whose probes these are) accepts it.
/// </remarks>
internal static class Subtree
{
    /// <summary>Whether [start, end) is a subtree: start is a multiple of the smallest power of two ≥ its length.</summary>
    public static bool IsValid(ulong start, ulong end)
    {
        if (start >= end)
        {
            return false;
        }

        var length = end - start;
        if (length > 1UL << 63)
        {
            return start == 0;
        }

        return (start & (BitOperations.RoundUpToPowerOf2(length) - 1)) == 0;
    }

    public static bool VerifyInclusion(ulong index, ulong start, ulong end, in TreeHash leafHash, IReadOnlyList<TreeHash> proof, in TreeHash subtreeHash)
    {
        // A valid subtree is laid out exactly like a tree of end − start leaves: its inclusion proof is that tree's.
        return IsValid(start, end) && index >= start && index < end
            && new InclusionProof(index - start, end - start, [.. proof]).Verify(leafHash, subtreeHash).IsValid;
    }

    public static bool VerifyConsistency(ulong start, ulong end, ulong treeSize, IReadOnlyList<TreeHash> proof, in TreeHash subtreeHash, in TreeHash root)
    {
        if (start == end)
        {
            return end <= treeSize && proof.Count == 0 && subtreeHash == TreeHash.Empty;
        }

        if (!IsValid(start, end) || end > treeSize)
        {
            return false;
        }

        var fn = start;
        var sn = end - 1;
        var tn = treeSize - 1;
        if (sn == tn)
        {
            while (fn != sn)
            {
                (fn, sn, tn) = (fn >> 1, sn >> 1, tn >> 1);
            }
        }
        else
        {
            while (fn != sn && (sn & 1) == 1)
            {
                (fn, sn, tn) = (fn >> 1, sn >> 1, tn >> 1);
            }
        }

        TreeHash fr;
        var next = 0;
        if (fn == sn)
        {
            fr = subtreeHash;
        }
        else if (proof.Count == 0)
        {
            return false;
        }
        else
        {
            fr = proof[0];
            next = 1;
        }

        var sr = fr;
        for (; next < proof.Count; next++)
        {
            var c = proof[next];
            if (tn == 0)
            {
                return false;
            }

            if ((sn & 1) == 1 || sn == tn)
            {
                if (fn < sn)
                {
                    fr = TreeHash.OfNode(c, fr);
                }

                sr = TreeHash.OfNode(c, sr);
                while ((sn & 1) == 0 && sn != 0)
                {
                    (fn, sn, tn) = (fn >> 1, sn >> 1, tn >> 1);
                }
            }
            else
            {
                sr = TreeHash.OfNode(sr, c);
            }

            (fn, sn, tn) = (fn >> 1, sn >> 1, tn >> 1);
        }

        return tn == 0 && fr == subtreeHash && sr == root;
    }
}
