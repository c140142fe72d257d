namespace IdentityEhr.Ethereum.Rpc;

/// <summary>A JSON-RPC call failed: the node was unreachable, answered with an error, or answered nonsense.</summary>
/// <remarks>Messages name the node by its origin only: RPC URLs often carry an API key in their path.</remarks>
public sealed class EthereumRpcException : EthereumException
{
    internal EthereumRpcException(string message, int? code, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        IsTransient = isTransient;
    }

    /// <summary>Gets the JSON-RPC error code the node returned, or <see langword="null"/> when it returned none.</summary>
    public int? Code { get; }

    /// <inheritdoc/>
    public override bool IsTransient { get; }
}
