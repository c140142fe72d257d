using System.Text.Json;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Tiles;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>
/// tlog-tiles paths and content against shared/vectors/tlog/tlog-tiles-vectors.json (Tessera api/layout/paths_test.go,
/// Apache-2.0; Go sumdb tlog_test.go, BSD-3-Clause; derived values from c2sp.org/tlog-tiles).
/// </summary>
public sealed class TileTests
{
    private static readonly JsonDocument s_vectors = TlogVectors.Read("tlog-tiles-vectors.json");

    private static JsonElement V(string name) => s_vectors.RootElement.GetProperty(name);

    [Fact]
    public void Tile_paths_match_Tessera_and_parse_back()
    {
        foreach (var vector in V("transcribed_tessera_tile_paths").EnumerateArray())
        {
            var id = new TileId(vector.GetProperty("level").GetInt32(), vector.GetProperty("index").GetUInt64());
            var width = vector.GetProperty("partial_width").GetInt32();
            var path = vector.GetProperty("path").GetString()!;

            Assert.Equal(path, TilePath.Format(id, width));
            Assert.True(TilePath.TryParse(path, out var parsed));
            Assert.Equal(new TileResource(false, id.Level, id.Index, width), parsed);
        }
    }

    [Fact]
    public void Entry_bundle_paths_match_Tessera_and_parse_back()
    {
        foreach (var vector in V("transcribed_tessera_entry_bundle_paths").EnumerateArray())
        {
            var leaf = vector.GetProperty("leaf_index").GetUInt64();
            var size = vector.GetProperty("log_size").GetUInt64();
            var bundle = leaf / TileId.Width;
            var width = new TileId(0, bundle).WidthAt(size);
            var path = vector.GetProperty("path").GetString()!;

            Assert.Equal(path, TilePath.FormatEntryBundle(bundle, width == TileId.Width ? 0 : width));
            Assert.True(TilePath.TryParse(path, out var parsed));
            Assert.True(parsed.IsEntryBundle);
            Assert.Equal(bundle, parsed.Index);
        }
    }

    [Fact]
    public void Go_sumdb_paths_are_a_different_scheme_and_are_refused()
    {
        var sumdb = V("transcribed_go_sumdb_tile_paths_NOTE_different_scheme");
        foreach (var path in sumdb.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("path").GetString()!)
            .Concat(sumdb.GetProperty("invalid").EnumerateArray().Select(e => e.GetString()!)))
        {
            Assert.False(TilePath.TryParse(path, out _), path);
        }
    }

    [Theory]
    [InlineData("tile/0/5")]
    [InlineData("tile/0/0005")]
    [InlineData("tile/00/000")]
    [InlineData("tile/64/000")]
    [InlineData("tile/0/x000/005")]
    [InlineData("tile/0/001.p/0")]
    [InlineData("tile/0/001.p/256")]
    [InlineData("tile/0/001.p/07")]
    [InlineData("tile/0/001/")]
    [InlineData("tile/0/x001")]
    [InlineData("tile/0/X001/000")]
    [InlineData("tile/entries/x001")]
    [InlineData("tile/entries/")]
    [InlineData("tile/-1/000")]
    [InlineData("tile/0/x018/x446/x744/x073/x709/x551/616")]
    [InlineData("checkpoint")]
    public void Non_canonical_or_hostile_paths_are_refused(string path)
    {
        Assert.False(TilePath.TryParse(path, out _));
    }

    [Fact]
    public void The_largest_index_round_trips()
    {
        var path = TilePath.Format(new TileId(63, ulong.MaxValue), 255);

        Assert.True(TilePath.TryParse(path, out var parsed));
        Assert.Equal(ulong.MaxValue, parsed.Index);
    }

    [Fact]
    public void Right_edge_of_70000_is_the_three_partial_tiles_of_the_spec()
    {
        var expected = V("derived_tiles_for_tree_size_70000").EnumerateArray()
            .Select(v => v.GetProperty("partial_path").GetString()!).ToList();

        var edge = TileId.RightEdge(70_000).Select(id => TilePath.Format(id, id.WidthAt(70_000))).ToList();

        Assert.Equal(expected, edge);
    }

    [Fact]
    public void Level_zero_tile_of_the_8_leaf_tree_is_its_leaf_hashes()
    {
        var vector = V("derived_8_leaf_tree");
        var leaves = TlogVectors.Read("rfc6962-merkle-vectors.json").RootElement.GetProperty("leaf_inputs_hex")
            .EnumerateArray().Select(e => TreeHash.OfLeaf(Convert.FromHexString(e.GetString()!))).ToArray();

        TileAppender.Empty.Append(leaves, out var tiles);

        var tile = Assert.Single(tiles);
        Assert.Equal(vector.GetProperty("level0_tile_path").GetString(), TilePath.Format(tile.Id, tile.Width));
        Assert.Equal(vector.GetProperty("level0_tile_hex").GetString(), Convert.ToHexStringLower(tile.Hashes.Span));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(70_000)]
    public void Appender_root_equals_the_reference_root(int size)
    {
        var leaves = SyntheticLeaves(size);

        var appender = TileAppender.Empty.Append(leaves, out _);

        Assert.Equal(ReferenceRoot.Of(leaves), appender.Root());
    }

    [Fact]
    public void Appending_in_batches_writes_the_same_tiles_as_appending_at_once()
    {
        var leaves = SyntheticLeaves(70_000);
        var once = TileAppender.Empty.Append(leaves, out var allTiles);
        var stored = allTiles.ToDictionary(t => t.Id);

        var edge = TileAppender.Empty;
        var batched = new Dictionary<TileId, Tile>();
        var random = new Random(7);
        for (var done = 0; done < leaves.Length;)
        {
            var take = Math.Min(leaves.Length - done, random.Next(1, 700));
            edge = edge.Append(leaves.AsSpan(done, take), out var changed);
            foreach (var tile in changed)
            {
                batched[tile.Id] = tile;
            }

            done += take;
        }

        Assert.Equal(once.Root(), edge.Root());
        Assert.Equal(stored.Keys.ToHashSet(), batched.Keys.ToHashSet());
        Assert.All(stored, kv => Assert.True(kv.Value.Hashes.Span.SequenceEqual(batched[kv.Key].Hashes.Span)));
    }

    [Fact]
    public void Restored_edge_continues_exactly_like_the_original()
    {
        var leaves = SyntheticLeaves(70_300);
        var first = TileAppender.Empty.Append(leaves.AsSpan(0, 70_000), out var tiles);

        var restored = TileAppender.Restore(70_000, tiles.ToDictionary(t => t.Id));
        var continued = restored.Append(leaves.AsSpan(70_000), out _);

        Assert.Equal(first.Root(), restored.Root());
        Assert.Equal(first.Append(leaves.AsSpan(70_000), out _).Root(), continued.Root());
    }

    [Fact]
    public void Restore_without_a_right_edge_tile_throws_AuditLogIntegrityException()
    {
        var leaves = SyntheticLeaves(300);
        TileAppender.Empty.Append(leaves, out var tiles);
        var withoutPartial = tiles.Where(t => t.IsFull).ToDictionary(t => t.Id);

        Assert.Throws<AuditLogIntegrityException>(() => TileAppender.Restore(300, withoutPartial));
    }

    [Fact]
    public void Proofs_from_tiles_equal_the_reference_proofs_for_every_older_size()
    {
        var leaves = SyntheticLeaves(66_000);
        TileAppender.Empty.Append(leaves, out var tileList);
        var tiles = tileList.ToDictionary(t => t.Id);
        var random = new Random(11);

        for (var i = 0; i < 40; i++)
        {
            var size = (ulong)random.Next(1, leaves.Length + 1);
            var index = (ulong)random.NextInt64(0, (long)size);
            var old = (ulong)random.NextInt64(1, (long)size + 1);
            var prefix = leaves[..(int)size];

            Assert.Equal(ReferenceRoot.Of(prefix), TileProofs.Root(size, Subset(tiles, TileProofs.TilesForRoot(size))));
            Assert.Equal(MerkleTree.Inclusion(index, prefix).Path, TileProofs.Inclusion(index, size, Subset(tiles, TileProofs.TilesForInclusion(index, size))).Path);
            Assert.Equal(MerkleTree.Consistency(old, prefix).Path, TileProofs.Consistency(old, size, Subset(tiles, TileProofs.TilesForConsistency(old, size))).Path);
        }
    }

    [Fact]
    public void Inclusion_proof_in_a_tree_of_256_cubed_leaves_needs_one_tile_per_level()
    {
        const ulong Size = 10_000_000;

        var tiles = TileProofs.TilesForInclusion(1_234_567, Size);

        Assert.InRange(tiles.Count, 3, 6);
    }

    [Fact]
    public void Proof_with_a_missing_tile_throws_AuditLogIntegrityException()
    {
        var leaves = SyntheticLeaves(600);
        TileAppender.Empty.Append(leaves, out var tileList);
        var tiles = tileList.ToDictionary(t => t.Id);
        tiles.Remove(new TileId(0, 0));

        Assert.Throws<AuditLogIntegrityException>(() => TileProofs.Inclusion(3, 600, tiles));
    }

    internal static TreeHash[] SyntheticLeaves(int count) =>
        [.. Enumerable.Range(0, count).Select(i => TreeHash.OfLeaf(BitConverter.GetBytes(i)))];

    private static Dictionary<TileId, Tile> Subset(Dictionary<TileId, Tile> tiles, IReadOnlyList<TileId> ids) =>
        ids.ToDictionary(id => id, id => tiles[id]);
}
