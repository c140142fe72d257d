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
}
