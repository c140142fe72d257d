namespace IdentityEhr.Identity;

/// <summary>Base of the exceptions this library throws for infrastructure and invariant failures.</summary>
/// <remarks>Messages never carry key material, passphrases or personal data.</remarks>
public abstract class IdentityException : Exception
{
    private protected IdentityException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
