namespace IdentityEhr.Embedded;

/// <summary>A configuration value is missing, malformed or contradicts another.</summary>
public sealed class InfrastructureConfigurationException : InfrastructureException
{
    internal InfrastructureConfigurationException(string message)
        : base(message, innerException: null)
    {
    }
}
