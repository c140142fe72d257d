using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Tiles;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>Random trees of random sizes: every proof built from tiles verifies, and every mutation of it fails.</summary>
public sealed class MerkleProofPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);

    // Sizes up to a little over one full level-1 tile, so partial tiles at two levels are exercised. The proofs come from the
    // tiles of a larger tree, as the service serves them: a tile's hashes never change, so today's tiles answer for every
    // earlier size.
    private const int MaxSize = 70_000;
    private static readonly Lazy<(ImmutableArray<TreeHash>, Dictionary<TileId, Tile>)>[] s_trees =
        [.. Enumerable.Range(0, 3).Select(seed => new Lazy<(ImmutableArray<TreeHash>, Dictionary<TileId, Tile>)>(() => Tree(MaxSize, seed)))];

    private static readonly Gen<(int Size, int Seed)> s_tree = Gen.Choose(1, MaxSize).Zip(Gen.Choose(0, s_trees.Length - 1));

    [Fact]
    public void Every_inclusion_proof_verifies_and_every_mutation_fails()
    {
        var gen = from tree in s_tree
                  from index in Gen.Choose(0, tree.Size - 1)
                  from mutation in Gen.Choose(0, 5)
                  from pick in Gen.Choose(0, int.MaxValue)
                  select (tree.Size, tree.Seed, index, mutation, pick);

        Prop.ForAll(Arb.From(gen), c =>
        {
            var (leaves, tiles) = s_trees[c.Seed].Value;
            var size = (ulong)c.Size;
            var index = (ulong)c.index;
            var root = TileProofs.Root(size, tiles);
            var proof = TileProofs.Inclusion(index, size, tiles);
            var leaf = leaves[c.index];

            Assert.True(proof.Verify(leaf, root).IsValid);

            // A proof alone does not bind the size (the signed checkpoint does): the size mutation claims another size of
            // the same log, together with that size's true root.
            var otherSize = index + 1 + ((ulong)c.pick % (size - index));
            var otherRoot = otherSize == size ? Flip(root, c.pick) : TileProofs.Root(otherSize, tiles);
            var (mutated, mutatedLeaf, mutatedRoot) = c.mutation == 4
                ? (proof with { TreeSize = otherSize }, leaf, otherRoot)
                : MutateInclusion(proof, leaf, root, c.mutation, c.pick);
            Assert.False(mutated.Verify(mutatedLeaf, mutatedRoot).IsValid, $"mutation {c.mutation} of {proof}");
        }).Check(s_config);
    }

    [Fact]
    public void Every_consistency_proof_verifies_and_every_mutation_fails()
    {
        var gen = from tree in s_tree
                  from old in Gen.Choose(1, tree.Size)
                  from mutation in Gen.Choose(0, 5)
                  from pick in Gen.Choose(0, int.MaxValue)
                  select (tree.Size, tree.Seed, old, mutation, pick);

        Prop.ForAll(Arb.From(gen), c =>
        {
            var (_, tiles) = s_trees[c.Seed].Value;
            var size = (ulong)c.Size;
            var old = (ulong)c.old;
            var oldRoot = TileProofs.Root(old, tiles);
            var newRoot = TileProofs.Root(size, tiles);
            var proof = TileProofs.Consistency(old, size, tiles);

            Assert.True(proof.Verify(oldRoot, newRoot).IsValid);
            if (old == size && c.mutation is 0 or 2 or 3)
            {
                return; // An empty proof has no element to flip or drop, and no larger old size exists.
            }

            var (mutated, mutatedOld, mutatedNew) = MutateConsistency(proof, oldRoot, newRoot, c.mutation, c.pick);
            Assert.False(mutated.Verify(mutatedOld, mutatedNew).IsValid, $"mutation {c.mutation} of {proof}");
        }).Check(s_config);
    }

    [Fact]
    public void Tiled_proofs_equal_the_recursive_definition_on_small_trees()
    {
        var gen = from size in Gen.Choose(1, 600)
                  from index in Gen.Choose(0, size - 1)
                  from old in Gen.Choose(1, size)
                  select (size, index, old);

        Prop.ForAll(Arb.From(gen), c =>
        {
            var (leaves, tiles) = Tree(c.size, seed: c.size);
            Assert.Equal(MerkleTree.Root(leaves), TileProofs.Root((ulong)c.size, tiles));
            Assert.Equal(MerkleTree.Inclusion((ulong)c.index, leaves).Path, TileProofs.Inclusion((ulong)c.index, (ulong)c.size, tiles).Path);
            Assert.Equal(MerkleTree.Consistency((ulong)c.old, leaves).Path, TileProofs.Consistency((ulong)c.old, (ulong)c.size, tiles).Path);
        }).Check(s_config.WithMaxTest(200));
    }

    private static (InclusionProof, TreeHash, TreeHash) MutateInclusion(InclusionProof proof, TreeHash leaf, TreeHash root, int mutation, int pick)
    {
        var path = proof.Path;
        switch (mutation)
        {
            case 0 when !path.IsEmpty:
                return (proof with { Path = path.SetItem(pick % path.Length, Flip(path[pick % path.Length], pick)) }, leaf, root);
            case 1:
                return (proof with { Path = path.Insert(pick % (path.Length + 1), leaf) }, leaf, root);
            case 2 when !path.IsEmpty:
                return (proof with { Path = path.RemoveAt(pick % path.Length) }, leaf, root);
            case 3 when proof.TreeSize > 1:
                // Another index of the same tree (the leaf hashes of a synthetic tree are all distinct).
                var other = (proof.LeafIndex + 1 + ((ulong)pick % (proof.TreeSize - 1))) % proof.TreeSize;
                return (proof with { LeafIndex = other }, leaf, root);
            default:
                return (proof, Flip(leaf, pick), root);
        }
    }

    private static (ConsistencyProof, TreeHash, TreeHash) MutateConsistency(ConsistencyProof proof, TreeHash oldRoot, TreeHash newRoot, int mutation, int pick)
    {
        var path = proof.Path;
        return mutation switch
        {
            0 => (proof with { Path = path.SetItem(pick % path.Length, Flip(path[pick % path.Length], pick)) }, oldRoot, newRoot),
            1 => (proof with { Path = path.Insert(pick % (path.Length + 1), oldRoot) }, oldRoot, newRoot),
            2 => (proof with { Path = path.RemoveAt(pick % path.Length) }, oldRoot, newRoot),
            3 => (proof with { OldSize = proof.OldSize + 1 }, oldRoot, newRoot),
            4 => (proof, Flip(oldRoot, pick), newRoot),
            _ => (proof, oldRoot, Flip(newRoot, pick)),
        };
    }

    private static TreeHash Flip(TreeHash hash, int pick)
    {
        var bytes = hash.ToArray();
        bytes[pick % bytes.Length] ^= (byte)(1 << (pick % 8));
        return TreeHash.Create(bytes);
    }

    private static (ImmutableArray<TreeHash> Leaves, Dictionary<TileId, Tile> Tiles) Tree(int size, int seed)
    {
        var leaves = Enumerable.Range(0, size).Select(i => TreeHash.OfLeaf(BitConverter.GetBytes(((long)seed << 32) | (uint)i))).ToImmutableArray();
        TileAppender.Empty.Append(leaves.AsSpan(), out var tiles);
        return (leaves, tiles.ToDictionary(t => t.Id));
    }
}
