namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>The chain could not be asked something a verification needs (the node failed while resolving the service DID): no verdict.</summary>
public sealed class ChainUnavailableException : AuditLogException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be asked, in one line.</param>
    public ChainUnavailableException(string message)
        : base(message, null)
    {
    }
}
