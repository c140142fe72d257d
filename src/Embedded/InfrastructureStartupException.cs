namespace IdentityEhr.Embedded;

/// <summary>A database, chain or tool could not be reached or started.</summary>
public sealed class InfrastructureStartupException : InfrastructureException
{
    internal InfrastructureStartupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
