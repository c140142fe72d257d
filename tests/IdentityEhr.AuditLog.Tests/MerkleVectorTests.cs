using System.Text.Json;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>
/// RFC 6962 / RFC 9162 hashing and proofs against shared/vectors/tlog/rfc6962-merkle-vectors.json (transcribed from
/// transparency-dev/merkle, Apache-2.0) and every probe of merkle-testdata/inclusion and /consistency (verbatim, Apache-2.0).
/// </summary>
public sealed class MerkleVectorTests
{
    private static readonly JsonDocument s_vectors = TlogVectors.Read("rfc6962-merkle-vectors.json");

    private static JsonElement V(string name) => s_vectors.RootElement.GetProperty(name);

    private static List<TreeHash> Leaves() =>
        [.. V("leaf_inputs_hex").EnumerateArray().Select(e => TreeHash.OfLeaf(Convert.FromHexString(e.GetString()!)))];

    [Fact]
    public void Leaf_hashes_match_the_vectors()
    {
        Assert.Equal(TlogVectors.HexList(V("leaf_hashes_hex")), Leaves());
    }

    [Fact]
    public void Empty_tree_hash_is_sha256_of_nothing()
    {
        Assert.Equal(V("roots_by_size_hex").GetProperty("0").GetString(), TreeHash.Empty.ToHex());
    }

    [Fact]
    public void Roots_of_every_size_match_the_vectors()
    {
        var leaves = Leaves();
        foreach (var root in V("roots_by_size_hex").EnumerateObject())
        {
            var size = int.Parse(root.Name, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(root.Value.GetString(), MerkleTree.Root(leaves[..size]).ToHex());
        }
    }

    [Fact]
    public void Complete_subtree_hashes_match_the_vectors()
    {
        var leaves = Leaves();
        var level = 0;
        foreach (var row in V("node_hashes_by_level_hex").EnumerateArray())
        {
            var index = 0UL;
            foreach (var node in row.EnumerateArray())
            {
                Assert.Equal(node.GetString(), MerkleTree.Hash(leaves, index << level, (index + 1) << level).ToHex());
                index++;
            }

            level++;
        }
    }

    [Fact]
    public void Generated_inclusion_proofs_equal_the_transcribed_and_computed_ones_and_verify()
    {
        var leaves = Leaves();
        foreach (var name in new[] { "transcribed_inclusion_proofs", "computed_inclusion_proofs" })
        {
            foreach (var vector in V(name).EnumerateArray())
            {
                var index = vector.GetProperty("leaf_index_0based").GetUInt64();
                var size = vector.GetProperty("tree_size").GetInt32();
                var proof = MerkleTree.Inclusion(index, leaves[..size]);
                Assert.Equal(TlogVectors.HexList(vector.GetProperty("proof_hex")), proof.Path);
                Assert.True(proof.Verify(leaves[(int)index], MerkleTree.Root(leaves[..size])).IsValid);
            }
        }
    }

    [Fact]
    public void Generated_consistency_proofs_equal_the_transcribed_and_computed_ones_and_verify()
    {
        var leaves = Leaves();
        foreach (var name in new[] { "transcribed_consistency_proofs", "computed_consistency_proofs" })
        {
            foreach (var vector in V(name).EnumerateArray())
            {
                var m = vector.GetProperty("size1").GetInt32();
                var n = vector.GetProperty("size2").GetInt32();
                var proof = MerkleTree.Consistency((ulong)m, leaves[..n]);
                Assert.Equal(TlogVectors.HexList(vector.GetProperty("proof_hex")), proof.Path);
                Assert.True(proof.Verify(MerkleTree.Root(leaves[..m]), MerkleTree.Root(leaves[..n])).IsValid);
            }
        }
    }

    public static TheoryData<string> InclusionProbes => TlogVectors.Probes("inclusion");

    [Theory]
    [MemberData(nameof(InclusionProbes))]
    public void Inclusion_probe_gives_the_expected_outcome(string probe)
    {
        using var json = TlogVectors.ReadProbe(probe);
        var p = json.RootElement;
        var wantError = p.GetProperty("wantErr").GetBoolean();
        var path = TlogVectors.Proof(p.GetProperty("proof"));
        var leafIsHash = TreeHash.TryCreate(TlogVectors.Bytes(p.GetProperty("leafHash")), out var leafHash);

        var holds = path is not null && leafIsHash
            && new InclusionProof(p.GetProperty("leafIdx").GetUInt64(), p.GetProperty("treeSize").GetUInt64(), path.Value)
                .Verify(leafHash, TlogVectors.Root(p.GetProperty("root"))).IsValid;

        Assert.Equal(!wantError, holds);
    }

    public static TheoryData<string> ConsistencyProbes => TlogVectors.Probes("consistency");

    [Theory]
    [MemberData(nameof(ConsistencyProbes))]
    public void Consistency_probe_gives_the_expected_outcome(string probe)
    {
        using var json = TlogVectors.ReadProbe(probe);
        var p = json.RootElement;
        var wantError = p.GetProperty("wantErr").GetBoolean();
        var path = TlogVectors.Proof(p.GetProperty("proof"));

        var holds = path is not null
            && new ConsistencyProof(p.GetProperty("size1").GetUInt64(), p.GetProperty("size2").GetUInt64(), path.Value)
                .Verify(TlogVectors.Root(p.GetProperty("root1")), TlogVectors.Root(p.GetProperty("root2"))).IsValid;

        Assert.Equal(!wantError, holds);
    }

    public static TheoryData<string> SubtreeInclusionProbes => TlogVectors.Probes("subtreeinclusion");

    [Theory]
    [MemberData(nameof(SubtreeInclusionProbes))]
    public void Subtree_inclusion_probe_gives_the_expected_outcome(string probe)
    {
        using var json = TlogVectors.ReadProbe(probe);
        var p = json.RootElement;
        var path = TlogVectors.Proof(p.GetProperty("proof"));
        var leafIsHash = TreeHash.TryCreate(TlogVectors.Bytes(p.GetProperty("leafHash")), out var leafHash);

        var holds = path is not null && leafIsHash && Subtree.VerifyInclusion(
            p.GetProperty("leafIdx").GetUInt64(), p.GetProperty("start").GetUInt64(), p.GetProperty("end").GetUInt64(),
            leafHash, path.Value, TlogVectors.Root(p.GetProperty("root")));

        Assert.Equal(!p.GetProperty("wantErr").GetBoolean(), holds);
    }

    public static TheoryData<string> SubtreeConsistencyProbes => TlogVectors.Probes("subtreeconsistency");

    [Theory]
    [MemberData(nameof(SubtreeConsistencyProbes))]
    public void Subtree_consistency_probe_gives_the_expected_outcome(string probe)
    {
        using var json = TlogVectors.ReadProbe(probe);
        var p = json.RootElement;
        var path = TlogVectors.Proof(p.GetProperty("proof"));

        var holds = path is not null && Subtree.VerifyConsistency(
            p.GetProperty("start").GetUInt64(), p.GetProperty("end").GetUInt64(), p.GetProperty("size").GetUInt64(), path.Value,
            TlogVectors.Root(p.GetProperty("root1")), TlogVectors.Root(p.GetProperty("root2")));

        Assert.Equal(!p.GetProperty("wantErr").GetBoolean(), holds);
    }
}
