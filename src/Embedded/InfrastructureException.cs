namespace IdentityEhr.Embedded;

/// <summary>Base of the exceptions raised while configuring or starting the service's infrastructure.</summary>
/// <remarks>Each message is one line that says what is wrong and what to do; none carries a password or key.</remarks>
public abstract class InfrastructureException : Exception
{
    private protected InfrastructureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
