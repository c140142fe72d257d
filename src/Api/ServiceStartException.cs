namespace IdentityEhr.Api;

/// <summary>A check the service makes when it starts failed; the message is one line for the operator, with no secrets.</summary>
internal sealed class ServiceStartException(string message) : Exception(message);
