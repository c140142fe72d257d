namespace IdentityEhr.Ethereum.Rpc;

/// <summary>A JSON-RPC call failed: the node was unreachable, refused, reverted, or answered nonsense.</summary>
/// <remarks>Messages name the node by its origin only: RPC URLs often carry an API key in their path.</remarks>
public sealed class EthereumRpcException : EthereumException
{
    internal EthereumRpcException(string message, RpcErrorKind kind, int? code = null, byte[]? revertData = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Code = code;
        RevertData = revertData;
    }

    /// <summary>Gets what went wrong.</summary>
    public RpcErrorKind Kind { get; }

    /// <summary>Gets the JSON-RPC error code the node returned, or <see langword="null"/> when it returned none.</summary>
    public int? Code { get; }

    /// <summary>Gets the revert data (for example an ABI-encoded <c>Error(string)</c>) when <see cref="Kind"/> is <see cref="RpcErrorKind.Reverted"/>.</summary>
    public byte[]? RevertData { get; }

    /// <inheritdoc/>
    public override bool IsTransient => Kind is RpcErrorKind.Unreachable or RpcErrorKind.Timeout or RpcErrorKind.RateLimited
        or RpcErrorKind.NodeFailure or RpcErrorKind.NonceTooLow or RpcErrorKind.ReplacementUnderpriced or RpcErrorKind.NotMined;
}
