namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>What one round of the anchorer did.</summary>
/// <param name="Submitted">Transactions submitted (new anchors and replacements).</param>
/// <param name="Confirmed">Transactions that reached finality.</param>
/// <param name="Reorged">Transactions that will not count (reorganised away, reverted, dropped).</param>
public sealed record AnchorTick(IReadOnlyList<string> Submitted, IReadOnlyList<string> Confirmed, IReadOnlyList<string> Reorged)
{
    /// <summary>Gets a value indicating whether the round changed anything.</summary>
    public bool Changed => Submitted.Count + Confirmed.Count + Reorged.Count > 0;
}
