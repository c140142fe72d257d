namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>The right to anchor a log, held by one anchorer at a time (several service instances may share one log).</summary>
public interface IAnchoringLease : IDisposable
{
    /// <summary>Checks that the lease is still held (its holder's connection is alive).</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns><see langword="true"/> while held; <see langword="false"/> once lost (it is not regained: take a new one).</returns>
    Task<bool> StillHeldAsync(CancellationToken cancellationToken);
}
