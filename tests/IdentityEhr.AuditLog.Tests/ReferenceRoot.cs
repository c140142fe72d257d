using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>
/// An RFC 9162 root computed level by level, independently of the tile code it checks (also linked into the Storage
/// integration tests). A lone right-most node at a level is carried up unchanged, which is exactly MTH's split at the largest
/// power of two below the size.
/// </summary>
internal static class ReferenceRoot
{
    public static TreeHash Of(IReadOnlyList<TreeHash> leaves)
    {
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            var next = new List<TreeHash>((level.Count + 1) / 2);
            for (var i = 0; i + 1 < level.Count; i += 2)
            {
                next.Add(TreeHash.OfNode(level[i], level[i + 1]));
            }

            if (level.Count % 2 == 1)
            {
                next.Add(level[^1]);
            }

            level = next;
        }

        return level.Count == 0 ? TreeHash.Empty : level[0];
    }
}
