using System.Numerics;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>The leaves [<see cref="Begin"/>, <see cref="End"/>) whose Merkle tree hash MTH(D[Begin:End]) a proof carries.</summary>
/// <remarks>
/// Every range that RFC 9162's PATH and PROOF recursions produce starts at a multiple of a power of two at least as large as
/// the range, so it splits into complete subtrees of strictly decreasing size, and its hash is those subtrees folded from the
/// right: exactly how MTH splits at the largest power of two below the length.
/// </remarks>
internal readonly record struct LeafRange(ulong Begin, ulong End)
{
    /// <summary>Appends the complete subtrees that make up the range, left to right.</summary>
    public void Decompose(List<NodeId> nodes)
    {
        var position = Begin;
        while (position < End)
        {
            var alignment = position == 0 ? 63 : BitOperations.TrailingZeroCount(position);
            var fits = BitOperations.Log2(End - position);
            var level = Math.Min(alignment, fits);
            nodes.Add(new NodeId(level, position >> level));
            position += 1UL << level;
        }
    }

    /// <summary>Computes MTH of the range from the hashes of its complete subtrees.</summary>
    public TreeHash Hash(Func<NodeId, TreeHash> nodeHash)
    {
        var nodes = new List<NodeId>(8);
        Decompose(nodes);
        var hash = nodeHash(nodes[^1]);
        for (var i = nodes.Count - 2; i >= 0; i--)
        {
            hash = TreeHash.OfNode(nodeHash(nodes[i]), hash);
        }

        return hash;
    }

    /// <summary>The ranges of PATH(m, D[n]) (RFC 9162 §2.1.3.1), the leaf's sibling first.</summary>
    public static List<LeafRange> Inclusion(ulong index, ulong size)
    {
        var ranges = new List<LeafRange>();
        ulong begin = 0;
        var end = size;
        var m = index;

        // Walk down from the root; each level contributes the range on the other side of the split. The RFC lists them from
        // the leaf upwards, so reverse at the end.
        while (end - begin > 1)
        {
            var k = LargestPowerOfTwoBelow(end - begin);
            if (m < k)
            {
                ranges.Add(new LeafRange(begin + k, end));
                end = begin + k;
            }
            else
            {
                ranges.Add(new LeafRange(begin, begin + k));
                begin += k;
                m -= k;
            }
        }

        ranges.Reverse();
        return ranges;
    }

    /// <summary>The ranges of PROOF(m, D[n]) (RFC 9162 §2.1.4.1), in the RFC's order.</summary>
    public static List<LeafRange> Consistency(ulong oldSize, ulong newSize)
    {
        var ranges = new List<LeafRange>();
        ulong begin = 0;
        var end = newSize;
        var m = oldSize;
        var wholeOldTreeIsKnown = true;
        while (m != end - begin)
        {
            var k = LargestPowerOfTwoBelow(end - begin);
            if (m <= k)
            {
                ranges.Add(new LeafRange(begin + k, end));
                end = begin + k;
            }
            else
            {
                ranges.Add(new LeafRange(begin, begin + k));
                begin += k;
                m -= k;
                wholeOldTreeIsKnown = false;
            }
        }

        // SUBPROOF(m, D[m], b): the verifier already has the old root only when the recursion never went right.
        if (!wholeOldTreeIsKnown)
        {
            ranges.Add(new LeafRange(begin, end));
        }

        ranges.Reverse();
        return ranges;
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (n ≥ 2).</summary>
    private static ulong LargestPowerOfTwoBelow(ulong n) => 1UL << BitOperations.Log2(n - 1);
}
