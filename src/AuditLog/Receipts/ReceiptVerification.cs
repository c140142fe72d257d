using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;

namespace IdentityEhr.AuditLog.Receipts;

/// <summary>The outcome of verifying a receipt offline.</summary>
/// <param name="Failure">The first check that failed, or <see cref="ReceiptFailure.None"/>.</param>
/// <param name="Entry">The entry, when it parsed.</param>
/// <param name="Checkpoint">The checkpoint, when it parsed.</param>
public sealed record ReceiptVerification(ReceiptFailure Failure, AuditEntry? Entry, Checkpoint? Checkpoint)
{
    /// <summary>Gets a value saying whether every check passed.</summary>
    public bool IsValid => Failure is ReceiptFailure.None;
}
