using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Testing;

namespace IdentityEhr.Anchoring.IntegrationTests;

/// <summary>
/// Each way of doctoring an anchored receipt fails the auditor's check at its own, named check. One rig and one genuine
/// anchored receipt for the class; every test changes one thing.
/// </summary>
public sealed class TamperingTests(TamperingTests.Rig rig)
    : IClassFixture<TamperingTests.Rig>
{
    public sealed class Rig(PostgresFixture postgres) : IAsyncLifetime
    {
        public AnchoringRig Anchoring { get; private set; } = null!;

        public AuditReceipt Receipt { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Anchoring = await AnchoringRig.StartAsync(postgres, nameof(TamperingTests));
            var entries = await Anchoring.AppendAsync(40);
            await Anchoring.CutAsync();
            await Anchoring.AppendAsync(17);
            await Anchoring.AnchorHeadAsync();
            Receipt = await Anchoring.ReceiptAsync(entries[11].Id);
        }

        public async ValueTask DisposeAsync() => await Anchoring.DisposeAsync();
    }

    private AuditReceipt Genuine => rig.Receipt;

    private ReceiptAnchor Anchor => rig.Receipt.Anchor!;

    [Fact]
    public async Task The_genuine_receipt_is_extended_across_a_later_checkpoint_and_verifies()
    {
        Assert.Equal(40UL, Genuine.Checkpoint.Checkpoint.TreeSize);
        Assert.Equal(57UL, Anchor.TreeSize);
        Assert.NotEmpty(Anchor.ConsistencyProof);
        var result = await rig.Anchoring.VerifyAsync(Genuine);
        Assert.True(result.IsValid, result.Detail);
        Assert.All(Enum.GetValues<AnchorCheck>(), check => Assert.True(result.Passed(check)));
    }

    [Fact]
    public async Task An_altered_entry_fails_the_inclusion_proof()
    {
        Assert.True(AuditEntry.TryParse(Genuine.Entry.AsSpan(), out var entry, out _));
        var altered = (entry with { Purpose = "ETREAT" }).ToCanonicalBytes();
        await AssertFailsAsync(Genuine with { Entry = [.. altered] }, AnchorCheck.InclusionProof);
    }

    [Fact]
    public async Task An_entry_that_is_not_an_audit_entry_fails_the_entry_check() =>
        await AssertFailsAsync(Genuine with { Entry = [.. "{}"u8] }, AnchorCheck.Entry);

    [Fact]
    public async Task A_wrong_index_fails_the_inclusion_proof() =>
        await AssertFailsAsync(Genuine with { LeafIndex = Genuine.LeafIndex + 1 }, AnchorCheck.InclusionProof);

    [Fact]
    public async Task An_index_outside_the_tree_fails_the_leaf_index_check() =>
        await AssertFailsAsync(Genuine with { LeafIndex = Genuine.Checkpoint.Checkpoint.TreeSize }, AnchorCheck.LeafIndex);

    [Fact]
    public async Task An_altered_inclusion_proof_fails() =>
        await AssertFailsAsync(Genuine with { InclusionProof = Genuine.InclusionProof.SetItem(0, TreeHash.OfLeaf("x"u8)) }, AnchorCheck.InclusionProof);

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_fails_the_signature_check()
    {
        using var other = PrivateKey.Generate(KeyType.Ed25519);
        var forged = SignedCheckpoint.Sign(Genuine.Checkpoint.Checkpoint, new NoteSigner(AnchoringRig.Origin, other));
        var result = await AssertFailsAsync(Genuine with { Checkpoint = forged }, AnchorCheck.CheckpointSignature);
        Assert.Contains(rig.Anchoring.ServiceDid, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_altered_consistency_proof_fails() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { ConsistencyProof = Anchor.ConsistencyProof.SetItem(0, TreeHash.OfLeaf("y"u8)) } }, AnchorCheck.ConsistencyProof);

    [Fact]
    public async Task An_anchor_pointing_at_another_root_fails_the_event_check()
    {
        var result = await AssertFailsAsync(Genuine with { Anchor = Anchor with { RootHash = TreeHash.OfLeaf("z"u8) } }, AnchorCheck.AnchorEvent);
        Assert.Contains("root", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anchor_pointing_at_another_size_fails_the_event_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { TreeSize = Anchor.TreeSize + 1 } }, AnchorCheck.AnchorEvent);

    [Fact]
    public async Task An_anchor_in_another_block_fails_the_event_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { BlockHash = "0x" + new string('1', 64) } }, AnchorCheck.AnchorEvent);

    [Fact]
    public async Task An_anchor_naming_a_transaction_that_does_not_exist_fails_the_event_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { TransactionHash = "0x" + new string('2', 64) } }, AnchorCheck.AnchorEvent);

    [Fact]
    public async Task An_anchor_of_another_contract_fails_the_contract_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { Contract = rig.Anchoring.Contracts.DidRegistry } }, AnchorCheck.Contract);

    [Fact]
    public async Task An_anchor_on_another_chain_fails_the_chain_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { ChainId = 1 } }, AnchorCheck.Chain);

    [Fact]
    public async Task An_anchor_naming_another_service_DID_fails_the_chain_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { ServiceDid = "did:ethr:0x7a69:0x" + new string('3', 40) } }, AnchorCheck.Chain);

    [Fact]
    public async Task A_receipt_without_an_anchor_fails_the_anchored_check() =>
        await AssertFailsAsync(Genuine with { Anchor = null }, AnchorCheck.Anchored);

    [Fact]
    public async Task An_anchor_whose_stated_submitter_did_not_send_it_fails_the_submitter_check() =>
        await AssertFailsAsync(Genuine with { Anchor = Anchor with { Submitter = rig.Anchoring.Contracts.ServiceIdentity } }, AnchorCheck.Submitter);

    [Fact]
    public async Task An_anchor_submitted_by_an_unauthorised_account_fails_the_submitter_check()
    {
        // A look-alike AuditAnchor on the same registry, deployed and fed by an account that is neither the service identity's
        // owner nor its anchor delegate, publishing the genuine tree head. Without a pinned contract only the sender gives it away.
        var ct = TestContext.Current.CancellationToken;
        var client = rig.Anchoring.Client;
        var attacker = (await client.GetAccountsAsync(ct))[2];
        var arguments = new byte[64];
        rig.Anchoring.Contracts.DidRegistry.ToBytes().CopyTo(arguments.AsSpan(12, Address.SizeInBytes));
        attacker.ToBytes().CopyTo(arguments.AsSpan(32 + 12, Address.SizeInBytes));
        var rogue = await DevelopmentDeployer.DeployAsync(client, attacker, ContractArtifact.AuditAnchor, arguments, ct);
        var data = AuditAnchorContract.AnchorCall(Anchor.RootHash.ToArray(), Anchor.TreeSize);
        var hash = await client.SendNodeSignedTransactionAsync(attacker, rogue, data, 200_000, ct);
        var receipt = await client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10), ct);
        Assert.True(new AuditAnchorContract(client, rogue).TryDecodeAnchored(receipt.Logs.Single(), out var anchored));
        await rig.Anchoring.MineForFinalityAsync();

        var pointed = Genuine with
        {
            Anchor = Anchor with
            {
                Contract = rogue, Submitter = attacker, TransactionHash = hash, BlockNumber = receipt.BlockNumber, BlockHash = receipt.BlockHash,
                LogIndex = anchored.LogIndex, Sequence = anchored.Sequence,
            },
        };
        var result = await AssertFailsAsync(pointed, AnchorCheck.Submitter, rig.Anchoring.Trust with { Contract = null });
        Assert.Contains(attacker.ToString(), result.Detail, StringComparison.Ordinal);

        // Pinning the contract stops it earlier.
        await AssertFailsAsync(pointed, AnchorCheck.Contract);
    }

    [Fact]
    public async Task An_anchor_that_is_not_final_yet_fails_the_finality_check_until_the_chain_finalizes_it()
    {
        // The service confirms at 2 confirmations; an auditor who waits for the finalized tag (anvil: 64 blocks behind) waits longer.
        var strict = rig.Anchoring.Trust with { Finality = AnchorFinality.FinalizedTag };
        var latest = await rig.Anchoring.Client.GetBlockNumberAsync(TestContext.Current.CancellationToken);
        if (latest - Anchor.BlockNumber < 64)
        {
            var result = await AssertFailsAsync(Genuine, AnchorCheck.Finality, strict);
            Assert.Contains("not final", result.Detail, StringComparison.Ordinal);
            await rig.Anchoring.Anvil.MineAsync(64, TestContext.Current.CancellationToken);
        }

        var final = await rig.Anchoring.VerifyAsync(Genuine, strict);
        Assert.True(final.IsValid, final.Detail);
    }

    [Fact]
    public async Task A_receipt_round_trips_through_its_JSON_and_still_verifies()
    {
        Assert.True(AuditReceipt.TryParse(Genuine.ToJson(), out var parsed, out var error), error);
        Assert.Equal(Genuine.ToJson(), parsed.ToJson());
        Assert.True((await rig.Anchoring.VerifyAsync(parsed)).IsValid);
    }

    private async Task<AnchoredVerification> AssertFailsAsync(AuditReceipt receipt, AnchorCheck expected, AnchorTrust? trust = null)
    {
        var result = await rig.Anchoring.VerifyAsync(receipt, trust);
        Assert.False(result.IsValid);
        Assert.True(expected == result.Failed, $"expected {expected}, got {result.Failed}: {result.Detail}");
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        return result;
    }
}
