namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>What the monitor found when it held every anchor on the chain against the log.</summary>
/// <param name="AnchorsChecked">How many <c>Anchored</c> events the contract emitted (and were checked).</param>
/// <param name="LatestAnchoredSize">The largest anchored tree size, or 0.</param>
/// <param name="Findings">Each contradiction, one line each: an anchor the log contradicts, a gap in the sequence, an unauthorised sender.</param>
public sealed record AnchorAudit(int AnchorsChecked, ulong LatestAnchoredSize, IReadOnlyList<string> Findings)
{
    /// <summary>Gets a value indicating whether every anchor agrees with the log.</summary>
    public bool IsConsistent => Findings.Count == 0;
}
