namespace IdentityEhr.Ethereum.Rpc;

/// <summary>What went wrong with a JSON-RPC call, so callers can react without parsing messages.</summary>
public enum RpcErrorKind
{
    /// <summary>The node could not be reached (connection refused, DNS, TLS). Transient.</summary>
    Unreachable,

    /// <summary>The node did not answer in time. Transient.</summary>
    Timeout,

    /// <summary>The node or its provider limits the request rate (HTTP 429, or a limit error). Transient.</summary>
    RateLimited,

    /// <summary>The node failed internally (HTTP 5xx, JSON-RPC -32603). Transient.</summary>
    NodeFailure,

    /// <summary>The call or transaction reverted; <see cref="EthereumRpcException.RevertData"/> holds the revert data. Permanent.</summary>
    Reverted,

    /// <summary>The transaction's nonce was already used; resynchronise the nonce and retry. Transient.</summary>
    NonceTooLow,

    /// <summary>A transaction with the same nonce is pending and this one does not pay enough more to replace it. Transient.</summary>
    ReplacementUnderpriced,

    /// <summary>The node already has this exact transaction. Treat as sent.</summary>
    AlreadyKnown,

    /// <summary>The sender cannot pay for gas and value. Permanent until funded.</summary>
    InsufficientFunds,

    /// <summary>The node refused the request as invalid (bad parameters, unsupported method). Permanent.</summary>
    Rejected,

    /// <summary>The node answered with something that is not valid JSON-RPC or not the expected result. Permanent.</summary>
    InvalidResponse,

    /// <summary>A transaction was not mined within the wait. Transient.</summary>
    NotMined,
}
