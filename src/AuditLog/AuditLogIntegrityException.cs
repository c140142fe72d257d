namespace IdentityEhr.AuditLog;

/// <summary>The stored log contradicts itself: a tile is missing or too short, or a recomputed hash differs from the stored one.</summary>
/// <remarks>Only the host may catch this: it means the log was damaged or tampered with, and serving from it must stop.</remarks>
public sealed class AuditLogIntegrityException : AuditLogException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is inconsistent and where (positions, sizes, tile coordinates; no entry content).</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public AuditLogIntegrityException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
