using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;

namespace IdentityEhr.Anchoring.IntegrationTests;

/// <summary>
/// A split view: the operator (holding the log's signing key) edits a database so that one verifier sees a different history.
/// The signature cannot tell; the anchor can.
/// </summary>
public sealed class SplitViewTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_database_edited_to_show_another_tree_is_caught_by_the_anchor()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await AnchoringRig.StartAsync(postgres, nameof(SplitViewTests));
        var genuine = await rig.AppendAsync(30);
        var anchor = await rig.AnchorHeadAsync();
        Assert.True((await rig.VerifyAsync(await rig.ReceiptAsync(genuine[7].Id))).IsValid);

        // The edited copy: the same signing key, the same number of events before the anchored size, one of them rewritten
        // (an access granted becomes one denied), tiles and checkpoints rebuilt by the log itself, and the anchors row copied.
        await using var schema = await postgres.CreateSchemaAsync(nameof(SplitViewTests) + "_fork", ct);
        await using var fork = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = schema.ConnectionString }, ct);
        var rewritten = genuine.Select((e, i) => i == 7 ? e with { Type = AuditEventType.AccessDenied, Reason = "NoConsent" } : e).ToArray();
        await fork.AppendAsync("patient:synthetic", ExpectedVersion.Any, rewritten, ct);
        Assert.Equal((ulong)rewritten.Length, anchor.TreeSize);
        await fork.Log.CutCheckpointAsync(rig.Signer, ct);
        await rig.SqlAsync(
            $"INSERT INTO \"{schema.Name}\".anchors SELECT * FROM anchors WHERE transaction = '{anchor.Transaction}'");

        var (status, forged) = await fork.Log.ReceiptAsync(rewritten[7].Id, ct);
        Assert.Equal(ReceiptStatus.Ready, status);
        Assert.NotNull(forged!.Anchor);

        // Offline, with the log key alone, the forged receipt is flawless.
        Assert.True(forged.Verify(rig.Signer.VerifierKey).IsValid);

        // Against the chain it is not: the anchored root is the genuine tree's.
        var result = await rig.VerifyAsync(forged);
        Assert.Equal(AnchorCheck.ConsistencyProof, result.Failed);

        // Claiming the forged root as the anchored one contradicts the chain's event instead.
        var root = (await fork.Log.LatestCheckpointAsync(ct))!.Checkpoint.RootHash;
        var claimed = await rig.VerifyAsync(forged with { Anchor = forged.Anchor with { RootHash = root, ConsistencyProof = [] } });
        Assert.Equal(AnchorCheck.AnchorEvent, claimed.Failed);

        // The monitor, holding every anchor against a log, finds the edited copy wherever it differs from what was anchored.
        using var monitor = new AnchorMonitor(rig.Node.Rpc, rig.Trust);
        var genuineAudit = await monitor.CheckAsync((await rig.Store.Log.GetTreeStateAsync(ct)).TreeSize, rig.Store.Log.RootAtAsync, 0, ct);
        Assert.True(genuineAudit.IsConsistent, string.Join("; ", genuineAudit.Findings));
        Assert.Equal(1, genuineAudit.AnchorsChecked);

        var forkAudit = await monitor.CheckAsync((await fork.Log.GetTreeStateAsync(ct)).TreeSize, fork.Log.RootAtAsync, 0, ct);
        var finding = Assert.Single(forkAudit.Findings);
        Assert.Contains("anchor #0", finding, StringComparison.Ordinal);
        Assert.Contains("the chain holds root", finding, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monitor_finds_every_anchor_in_sequence_each_the_log_s_root_and_one_the_log_does_not_show()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await AnchoringRig.StartAsync(postgres, nameof(SplitViewTests) + "_monitor");
        for (var period = 0; period < 4; period++)
        {
            await rig.AppendAsync(10 + period);
            await rig.AnchorHeadAsync();
        }

        using var monitor = new AnchorMonitor(rig.Node.Rpc, rig.Trust);
        var size = (await rig.Store.Log.GetTreeStateAsync(ct)).TreeSize;
        var audit = await monitor.CheckAsync(size, rig.Store.Log.RootAtAsync, 0, ct);
        Assert.True(audit.IsConsistent, string.Join("; ", audit.Findings));
        Assert.Equal(4, audit.AnchorsChecked);

        // A log that shows fewer entries than it anchored is caught too.
        var latest = (await rig.Store.Log.Anchors.LatestConfirmedAsync(rig.Options.ChainId, ct))!;
        var shortened = await monitor.CheckAsync(latest.TreeSize - 1, rig.Store.Log.RootAtAsync, 0, ct);
        Assert.Contains(shortened.Findings, f => f.Contains("anchored more than it shows", StringComparison.Ordinal));
    }
}
