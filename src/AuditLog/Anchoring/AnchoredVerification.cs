using IdentityEhr.AuditLog.Entries;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>The outcome of verifying an anchored receipt.</summary>
/// <param name="Failed">The first check that failed, or <see langword="null"/> when every check holds.</param>
/// <param name="Detail">What exactly failed, in one sentence; or a summary when valid.</param>
/// <param name="Entry">The entry, when it parsed.</param>
/// <param name="FinalizedBlock">The highest final block the chain reported, when the finality check was reached.</param>
public sealed record AnchoredVerification(AnchorCheck? Failed, string Detail, AuditEntry? Entry, ulong? FinalizedBlock = null)
{
    /// <summary>Gets a value indicating whether every check holds.</summary>
    public bool IsValid => Failed is null;

    /// <summary>Whether a check passed, failed, or was not reached because an earlier one failed.</summary>
    /// <param name="check">The check.</param>
    /// <returns><see langword="true"/>, <see langword="false"/>, or <see langword="null"/> when not reached.</returns>
    public bool? Passed(AnchorCheck check) => Failed is not { } failed || failed > check ? true : failed == check ? false : null;
}
