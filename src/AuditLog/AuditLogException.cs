namespace IdentityEhr.AuditLog;

/// <summary>Base of the exceptions this library throws for infrastructure and invariant failures.</summary>
/// <remarks>Messages name positions, sizes and tile coordinates only; never entry content.</remarks>
public abstract class AuditLogException : Exception
{
    private protected AuditLogException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
