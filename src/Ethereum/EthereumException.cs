namespace IdentityEhr.Ethereum;

/// <summary>Base of the exceptions this library throws for infrastructure failures (the node, the network).</summary>
public abstract class EthereumException : Exception
{
    private protected EthereumException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value saying whether the same call may succeed if retried later.</summary>
    public abstract bool IsTransient { get; }
}
