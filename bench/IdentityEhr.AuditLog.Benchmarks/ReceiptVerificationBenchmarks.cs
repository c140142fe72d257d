using BenchmarkDotNet.Attributes;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Ethereum;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.AuditLog.Benchmarks;

/// <summary>
/// The auditor's work on an extended receipt once the chain has answered: parse the receipt, check the entry, the inclusion proof
/// in a checkpoint of 1,000,000 leaves, the checkpoint's signature by the DID document's key, and the consistency proof to an
/// anchored head of 1,048,576 leaves. Baseline: the version 1 offline check (entry, inclusion, signature) of the same receipt.
/// </summary>
[MemoryDiagnoser]
public class ReceiptVerificationBenchmarks
{
    private const string Origin = "bench.example/audit";
    private const int CheckpointSize = 1_000_000;
    private const int AnchoredSize = 1_048_576;
    private PrivateKey _key = null!;
    private NoteVerifierKey _verifierKey = null!;
    private DidDocument _document = null!;
    private AuditReceipt _receipt = null!;
    private byte[] _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = PrivateKey.Generate(KeyType.Ed25519);
        var signer = new NoteSigner(Origin, _key);
        _verifierKey = signer.VerifierKey;

        // The DID document the verifier resolves at the anchor's block, here the log key's own did:key document.
        var did = $"did:key:{_key.PublicKey.ExportMultikey()}";
        _document = new DidResolver([new DidKey()], TimeProvider.System).ResolveAsync(did).AsTask().GetAwaiter().GetResult().DidDocument!;

        var time = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var entry = new AuditEntry
        {
            Type = AuditEventType.AccessGranted,
            Id = Guid.CreateVersion7(time),
            Time = time,
            Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
            Record = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
            Purpose = "TREAT",
        };
        const int index = 777_777;
        var leaves = Enumerable.Range(0, AnchoredSize).Select(i => TreeHash.OfLeaf(BitConverter.GetBytes(i))).ToArray();
        leaves[index] = entry.LeafHash();
        var inCheckpoint = new ArraySegment<TreeHash>(leaves, 0, CheckpointSize);
        var checkpoint = SignedCheckpoint.Sign(new Checkpoint(Origin, CheckpointSize, MerkleTree.Root(inCheckpoint)), signer);
        _receipt = new AuditReceipt(entry.Id, [.. entry.ToCanonicalBytes()], index, MerkleTree.Inclusion(index, inCheckpoint).Path, checkpoint)
        {
            Anchor = new ReceiptAnchor(31337, Address.Parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"), "did:ethr:0x7a69:0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                Address.Parse("0x430be79ddb44718a9d7476f254ced2be78d6f416"), "0x" + new string('a', 64), 12, "0x" + new string('b', 64), 0, 3, AnchoredSize,
                MerkleTree.Root(leaves), MerkleTree.Consistency(CheckpointSize, leaves).Path),
        };
        _json = _receipt.ToJson();
        if (!AnchoredReceiptVerifier.VerifyLocally(_receipt, _document).IsValid || !_receipt.Verify(_verifierKey).IsValid)
        {
            throw new InvalidOperationException("the benchmark receipt does not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true, Description = "v1 offline check (entry, inclusion, signature)")]
    public bool OfflineVersion1() => _receipt.Verify(_verifierKey).IsValid;

    [Benchmark(Description = "anchored local checks (+ key from DID document, consistency)")]
    public bool AnchoredLocalChecks() => AnchoredReceiptVerifier.VerifyLocally(_receipt, _document).IsValid;

    [Benchmark(Description = "parse receipt JSON + anchored local checks")]
    public bool ParseAndAnchoredLocalChecks() =>
        AuditReceipt.TryParse(_json, out var receipt, out _) && AnchoredReceiptVerifier.VerifyLocally(receipt, _document).IsValid;
}
