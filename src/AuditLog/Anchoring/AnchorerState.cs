namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>What the anchorer last saw: for <c>/health</c> and operators.</summary>
/// <param name="TreeSize">The latest checkpoint's tree size.</param>
/// <param name="AnchoredTreeSize">The tree size of the latest confirmed anchor (0 before the first).</param>
/// <param name="UnanchoredSince">Since when the tree has been larger than the latest confirmed anchor, or <see langword="null"/> when it is covered.</param>
/// <param name="InFlight">The transaction being waited for, or <see langword="null"/>.</param>
/// <param name="LastTick">When the last round ended.</param>
/// <param name="LastError">Why the last round failed (one line, no secrets), or <see langword="null"/> when it did not.</param>
/// <param name="Standby">Whether another anchorer of the same log held the lease in the last round, so this one waited.</param>
public sealed record AnchorerState(
    ulong TreeSize, ulong AnchoredTreeSize, DateTimeOffset? UnanchoredSince, string? InFlight, DateTimeOffset? LastTick, string? LastError, bool Standby = false)
{
    /// <summary>Gets the state before the first round.</summary>
    public static AnchorerState Initial { get; } = new(0, 0, null, null, null, null);

    /// <summary>Returns how long the oldest unanchored part of the tree has waited.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The lag; zero when the tree is covered.</returns>
    public TimeSpan Lag(DateTimeOffset now) => UnanchoredSince is { } since && now > since ? now - since : TimeSpan.Zero;
}
