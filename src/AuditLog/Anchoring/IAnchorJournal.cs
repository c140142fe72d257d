using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>What the <see cref="Anchorer"/> reads from and writes to the log (implemented over PostgreSQL by Storage).</summary>
public interface IAnchorJournal
{
    /// <summary>Reads the latest signed checkpoint.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint, or <see langword="null"/> before the first.</returns>
    Task<SignedCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Lists the submissions not yet settled, and the confirmed anchors in blocks at or above <paramref name="fromBlock"/>.</summary>
    /// <param name="chainId">The chain.</param>
    /// <param name="fromBlock">The lowest block of confirmed anchors to list (those a reorganisation could still drop).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The anchors, oldest submission first.</returns>
    Task<IReadOnlyList<AnchorRecord>> OpenAnchorsAsync(ulong chainId, ulong fromBlock, CancellationToken cancellationToken);

    /// <summary>Reads the latest confirmed anchor on a chain.</summary>
    /// <param name="chainId">The chain.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The anchor with the largest tree size, or <see langword="null"/>.</returns>
    Task<AnchorRecord?> LatestConfirmedAsync(ulong chainId, CancellationToken cancellationToken);

    /// <summary>Whether any event other than an anchoring event lies at tree positions <paramref name="fromSize"/> to <paramref name="toSize"/> − 1.</summary>
    /// <remarks>Anchoring events are leaves too; growth made only of them is not a reason to anchor again (it would never stop).</remarks>
    /// <param name="fromSize">The first position.</param>
    /// <param name="toSize">One past the last position.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> when the log has new activity there.</returns>
    Task<bool> GrewAsync(ulong fromSize, ulong toSize, CancellationToken cancellationToken);

    /// <summary>Tries to take the lease that lets one anchorer of this log anchor; another anchorer holding it means standby.</summary>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The lease, or <see langword="null"/> while another anchorer holds it.</returns>
    Task<IAnchoringLease?> TryLeadAsync(CancellationToken cancellationToken);

    /// <summary>Appends an anchoring event to the log (its stream is the anchors stream).</summary>
    /// <param name="entry">The event.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>A task that completes when the event is durable.</returns>
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);
}
