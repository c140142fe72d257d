using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Testing;

namespace IdentityEhr.Anchoring.IntegrationTests;

/// <summary>Events → checkpoint → anchor submitted and confirmed on anvil → receipt extended → the auditor's check passes.</summary>
public sealed class AnchoringTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_anchored_receipt_verifies_against_the_chain_with_the_finalized_tag()
    {
        await using var rig = await AnchoringRig.StartAsync(postgres, nameof(AnchoringTests), o => o with { Finality = AnchorFinality.FinalizedTag });
        var entries = await rig.AppendAsync(25);
        await rig.CutAsync();
        var before = await rig.ReceiptAsync(entries[3].Id);
        Assert.Null(before.Anchor);

        var anchor = await rig.AnchorHeadAsync();
        Assert.Equal(25UL, anchor.TreeSize);
        Assert.Equal(AnchorStatus.Confirmed, anchor.Status);

        var receipt = await rig.ReceiptAsync(entries[3].Id);
        Assert.NotNull(receipt.Anchor);
        Assert.Equal(before.Checkpoint.ToString(), receipt.Checkpoint.ToString());
        Assert.Equal(anchor.Transaction, receipt.Anchor.TransactionHash);
        Assert.Equal(rig.ServiceDid, receipt.Anchor.ServiceDid);

        var result = await rig.VerifyAsync(receipt, rig.Trust);
        Assert.True(result.IsValid, result.Detail);

        var events = await rig.AnchorEventsAsync();
        Assert.Equal([AuditEventType.AnchorSubmitted, AuditEventType.AnchorConfirmed], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(rig.ServiceDid, e.Actor));
        Assert.Equal(anchor.GasUsed, events[1].Anchor!.GasUsed);
    }

    [Fact]
    public async Task An_unfunded_anchor_account_is_reported_and_writes_nothing_to_the_log()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await AnchoringRig.StartAsync(postgres, nameof(AnchoringTests) + "_unfunded");
        await rig.Anvil.SetBalanceAsync(rig.Anchorer.Account, 0, ct);
        await rig.AppendAsync(5);
        await rig.CutAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Anchorer.TickAsync(ct));
        Assert.Contains("fund it", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, rig.Anchorer.State.LastError);
        Assert.Empty(await rig.AnchorEventsAsync());
    }

    [Fact]
    public async Task The_pinned_DID_matches_whatever_the_case_of_its_address()
    {
        await using var rig = await AnchoringRig.StartAsync(postgres, nameof(AnchoringTests) + "_case");
        var entries = await rig.AppendAsync(3);
        await rig.AnchorHeadAsync();
        var receipt = await rig.ReceiptAsync(entries[1].Id);
        var checksummed = $"did:ethr:0x7A69:{rig.Contracts.ServiceIdentity.ToChecksumString()}";

        var result = await rig.VerifyAsync(receipt, rig.Trust with { ServiceDid = checksummed, Finality = rig.Options.Finality });
        Assert.True(result.IsValid, result.Detail);
    }

    [Fact]
    public async Task Two_anchorers_of_one_log_never_both_anchor_and_the_standby_takes_over_when_the_leader_goes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await AnchoringRig.StartAsync(postgres, nameof(AnchoringTests) + "_lease");
        await rig.AppendAsync(4);
        await rig.CutAsync();

        // A second service instance on the same database and chain.
        using var second = rig.CreateAnchorer();
        var leader = await rig.Anchorer.TickAsync(ct);
        var standby = await second.TickAsync(ct);
        Assert.Single(leader.Submitted);
        Assert.False(standby.Changed);
        Assert.True(second.State.Standby);
        Assert.False(rig.Anchorer.State.Standby);

        // The leader stops; its lease is released at once, even though its connection goes back to a pool, not away.
        const string Held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted " +
            "AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(current_schema() || '/identityehr/anchoring', 0)";
        Assert.Equal(1L, await rig.ScalarAsync(Held));
        rig.Anchorer.Dispose();
        Assert.Equal(0L, await rig.ScalarAsync(Held));
        await rig.MineForFinalityAsync();
        await rig.AppendAsync(3);
        await rig.CutAsync();
        var taken = await second.TickAsync(ct);
        Assert.False(second.State.Standby);
        Assert.Single(taken.Confirmed);
        var next = Assert.Single(taken.Submitted);
        await rig.MineForFinalityAsync();
        Assert.Equal([next], (await second.TickAsync(ct)).Confirmed);
        Assert.All(await rig.Store.Log.Anchors.ListAsync(10, ct), a => Assert.Equal(AnchorStatus.Confirmed, a.Status));
    }
}

