using System.Buffers.Binary;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage;

namespace IdentityEhr.Cli;

/// <summary>
/// Checks a log as a mirror or an auditor would, over HTTP only: fetch every entry bundle up to the checkpoint's size,
/// recompute every tile from the entries, compare with the tiles served, and compare the root with the signed checkpoint.
/// </summary>
internal static class LogMirrorCheck
{
    public static async Task<LogVerification> RunAsync(ServiceClient client, SignedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var size = checkpoint.Checkpoint.TreeSize;
        var findings = new List<LogFinding>();
        var edge = TileAppender.Empty;
        var entries = 0L;
        var tiles = 0L;
        for (var bundle = 0UL; bundle * TileId.Width < size; bundle++)
        {
            var width = (int)Math.Min(TileId.Width, size - (bundle * TileId.Width));
            var resource = new TileResource(true, 0, bundle, width == TileId.Width ? 0 : width);
            var leaves = await LeavesAsync(client, resource, findings, cancellationToken);
            if (leaves is null)
            {
                // Without the entries, carry on with the served leaf hashes so the levels above are still checked.
                var served = await client.ResourceAsync(new TileResource(false, 0, bundle, resource.PartialWidth), cancellationToken);
                if (served is null || !Tile.TryCreate(new TileId(0, bundle), served, out var tile) || tile.Width != width)
                {
                    findings.Add(new LogFinding(TilePath.Format(new TileId(0, bundle)), "missing too: the check cannot go on"));
                    return new LogVerification(size, entries, tiles, 1, findings, 0);
                }

                leaves = [.. Enumerable.Range(0, width).Select(i => tile[i])];
            }

            entries += leaves.Length;
            edge = edge.Append(leaves, out var written);
            foreach (var tile in written.Where(t => t.IsFull))
            {
                tiles++;
                await CompareAsync(client, tile, findings, cancellationToken);
            }
        }

        foreach (var tile in edge.RightEdge())
        {
            tiles++;
            await CompareAsync(client, tile, findings, cancellationToken);
        }

        if (edge.Root() != checkpoint.Checkpoint.RootHash)
        {
            findings.Add(new LogFinding($"checkpoint {size}", $"its root {checkpoint.Checkpoint.RootHash} differs from the root {edge.Root()} of the entries served"));
        }

        return new LogVerification(size, entries, tiles, 1, findings, 0);
    }

    private static async Task<TreeHash[]?> LeavesAsync(ServiceClient client, TileResource resource, List<LogFinding> findings, CancellationToken cancellationToken)
    {
        var where = resource.ToString();
        var bytes = await client.ResourceAsync(resource, cancellationToken);
        if (bytes is null)
        {
            findings.Add(new LogFinding(where, "missing"));
            return null;
        }

        var leaves = new List<TreeHash>(resource.Width);
        var offset = 0;
        while (offset + 2 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset));
            if (offset + 2 + length > bytes.Length)
            {
                break;
            }

            var entry = bytes.AsSpan(offset + 2, length);
            var index = (resource.Index * TileId.Width) + (ulong)leaves.Count;
            if (!AuditEntry.TryParse(entry, out _, out var error))
            {
                findings.Add(new LogFinding($"entry {index}", $"not a valid canonical audit entry ({error})"));
            }

            leaves.Add(TreeHash.OfLeaf(entry));
            offset += 2 + length;
        }

        if (offset != bytes.Length || leaves.Count != resource.Width)
        {
            findings.Add(new LogFinding(where, $"holds {leaves.Count} whole entries and {bytes.Length - offset} stray bytes; the tree needs {resource.Width}"));
            return null;
        }

        return [.. leaves];
    }

    private static async Task CompareAsync(ServiceClient client, Tile expected, List<LogFinding> findings, CancellationToken cancellationToken)
    {
        var where = TilePath.Format(expected.Id);
        var served = await client.ResourceAsync(new TileResource(false, expected.Id.Level, expected.Id.Index, expected.IsFull ? 0 : expected.Width), cancellationToken);
        if (served is null)
        {
            findings.Add(new LogFinding(where, "missing"));
            return;
        }

        if (served.AsSpan().SequenceEqual(expected.Hashes.Span))
        {
            return;
        }

        if (served.Length != expected.Hashes.Length)
        {
            findings.Add(new LogFinding(where, $"is {served.Length} bytes; the tree needs {expected.Hashes.Length}"));
            return;
        }

        var first = Enumerable.Range(0, expected.Width).First(i => !served.AsSpan(i * TreeHash.SizeInBytes, TreeHash.SizeInBytes).SequenceEqual(expected[i].ToArray()));
        var source = expected.Id.Level == 0
            ? $"the leaf hash of entry {(expected.Id.Index * TileId.Width) + (ulong)first}"
            : $"the root of tile {TilePath.Format(new TileId(expected.Id.Level - 1, (expected.Id.Index * TileId.Width) + (ulong)first))}";
        findings.Add(new LogFinding(where, $"hash {first} differs from {source} recomputed from the entries"));
    }
}
