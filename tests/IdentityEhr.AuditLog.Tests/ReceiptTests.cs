using System.Text;
using System.Text.Json.Nodes;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>Receipts and C2SP tlog-proofs: the derived tlog-proof vector, and each tampering failing at its own check.</summary>
public sealed class ReceiptTests : IDisposable
{
    private const string Origin = "test.example/audit";
    private readonly PrivateKey _key = PrivateKey.Generate(KeyType.Ed25519);
    private readonly NoteSigner _signer;

    public ReceiptTests()
    {
        _signer = new NoteSigner(Origin, _key);
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Derived_tlog_proof_parses_reprints_byte_for_byte_and_verifies()
    {
        using var vectors = TlogVectors.Read("derived-checkpoint-cosignature-vectors.json");
        var text = vectors.RootElement.GetProperty("tlog_proof_index5").GetString()!;
        var leaf = TreeHash.OfLeaf(Convert.FromHexString(vectors.RootElement.GetProperty("tlog_proof_index5_leaf_input_hex").GetString()!));
        Assert.True(NoteVerifierKey.TryParse(vectors.RootElement.GetProperty("log_vkey").GetString(), out var key, out _));

        Assert.True(TlogProof.TryParse(text, out var proof));
        Assert.Equal(text, proof.ToString());
        Assert.Equal(CheckpointError.None, proof.Checkpoint.Verify("example.com/test-log", key));
        var tree = proof.Checkpoint.Checkpoint;
        Assert.True(new InclusionProof(proof.LeafIndex, tree.TreeSize, proof.Path).Verify(leaf, tree.RootHash).IsValid);
    }

    [Theory]
    [InlineData("c2sp.org/tlog-proof@v2\nindex 5\n\nx")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 05\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 5\nnot-a-hash\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nextra !!\nindex 5\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\n")]
    public void Malformed_tlog_proofs_are_refused(string text)
    {
        Assert.False(TlogProof.TryParse(text, out _));
    }

    [Fact]
    public void Receipt_verifies_and_survives_a_JSON_round_trip()
    {
        var receipt = Receipt(index: 5, size: 13);

        Assert.True(AuditReceipt.TryParse(receipt.ToJson(), out var parsed, out var error), error);
        var result = parsed.Verify(_signer.VerifierKey);

        Assert.Equal(ReceiptFailure.None, result.Failure);
        Assert.Equal(receipt.EventId, result.Entry!.Id);
    }

    [Fact]
    public void Altered_entry_fails_InclusionProofInvalid()
    {
        var receipt = Receipt(5, 13);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(receipt.Entry.AsSpan()).Replace("TREAT", "HRESCH", StringComparison.Ordinal));

        Assert.Equal(ReceiptFailure.InclusionProofInvalid, (receipt with { Entry = [.. altered] }).Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Entry_not_in_canonical_form_fails_EntryInvalid()
    {
        var receipt = Receipt(5, 13);
        byte[] spaced = [.. " "u8, .. receipt.Entry.AsSpan()];

        Assert.Equal(ReceiptFailure.EntryInvalid, (receipt with { Entry = [.. spaced] }).Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Entry_of_another_event_fails_InclusionProofInvalid()
    {
        var receipt = Receipt(5, 13);
        var other = Receipt(6, 13);

        var swapped = receipt with { Entry = other.Entry, EventId = other.EventId };

        Assert.Equal(ReceiptFailure.InclusionProofInvalid, swapped.Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Wrong_index_fails_InclusionProofInvalid()
    {
        var receipt = Receipt(5, 13);

        Assert.Equal(ReceiptFailure.InclusionProofInvalid, (receipt with { LeafIndex = 4 }).Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Index_beyond_the_checkpoint_fails_IndexOutsideTree()
    {
        var receipt = Receipt(5, 13);

        Assert.Equal(ReceiptFailure.IndexOutsideTree, (receipt with { LeafIndex = 13 }).Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Altered_proof_fails_InclusionProofInvalid()
    {
        var receipt = Receipt(5, 13);
        var bytes = receipt.InclusionProof[1].ToArray();
        bytes[0] ^= 1;

        var altered = receipt with { InclusionProof = receipt.InclusionProof.SetItem(1, TreeHash.Create(bytes)) };

        Assert.Equal(ReceiptFailure.InclusionProofInvalid, altered.Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Checkpoint_signed_by_another_key_fails_CheckpointSignatureInvalid()
    {
        using var otherKey = PrivateKey.Generate(KeyType.Ed25519);
        var receipt = Receipt(5, 13);
        var resigned = SignedCheckpoint.Sign(receipt.Checkpoint.Checkpoint, new NoteSigner(Origin, otherKey));

        Assert.Equal(ReceiptFailure.CheckpointSignatureInvalid, (receipt with { Checkpoint = resigned }).Verify(_signer.VerifierKey).Failure);
    }

    [Fact]
    public void Checkpoint_of_another_origin_fails_WrongOrigin()
    {
        var receipt = Receipt(5, 13);

        Assert.Equal(ReceiptFailure.WrongOrigin, receipt.Verify(_signer.VerifierKey, "other.example/audit").Failure);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("{\"type\":\"AuditReceipt\",\"version\":2}")]
    public void Malformed_receipts_are_refused_with_a_reason(string json)
    {
        Assert.False(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("leafIndex", "-1")]
    [InlineData("leafIndex", "\"5\"")]
    [InlineData("eventId", "\"x\"")]
    [InlineData("entry", "\"%%%\"")]
    [InlineData("inclusionProof", "[\"AAAA\"]")]
    [InlineData("checkpoint", "\"no note\"")]
    [InlineData("extra", "1")]
    public void Receipt_with_a_bad_member_is_refused(string member, string value)
    {
        var json = JsonNode.Parse(Receipt(5, 13).ToJson())!.AsObject();
        json[member] = JsonNode.Parse(value);

        Assert.False(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(json.ToJsonString()), out _, out _));
    }

    [Fact]
    public void Receipt_converts_to_a_tlog_proof_that_parses_back()
    {
        var receipt = Receipt(5, 13);

        Assert.True(TlogProof.TryParse(receipt.ToTlogProof().ToString(), out var proof));
        Assert.Equal(receipt.InclusionProof, proof.Path);
    }

    private AuditReceipt Receipt(int index, int size)
    {
        var entries = Enumerable.Range(0, size).Select(i => AuditEntryTests.Sample(i)).ToList();
        var leaves = entries.Select(e => e.LeafHash()).ToList();
        var checkpoint = SignedCheckpoint.Sign(new Checkpoint(Origin, (ulong)size, MerkleTree.Root(leaves)), _signer);
        var proof = MerkleTree.Inclusion((ulong)index, leaves);
        return new AuditReceipt(entries[index].Id, [.. entries[index].ToCanonicalBytes()], (ulong)index, proof.Path, checkpoint);
    }
}
