using Microsoft.Extensions.Logging;

namespace IdentityEhr.Embedded.Internal;

/// <summary>The log messages of the embedded defaults; none carries a password, key or connection string.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Initializing a private PostgreSQL cluster in {Directory}")]
    public static partial void PostgresInitializing(ILogger logger, string directory);

    [LoggerMessage(2, LogLevel.Information, "Private PostgreSQL {Version} running in {Directory} on 127.0.0.1:{Port}")]
    public static partial void PostgresStarted(ILogger logger, string version, string directory, int port);

    [LoggerMessage(3, LogLevel.Warning, "PostgreSQL in {Directory} did not stop in time and was killed")]
    public static partial void PostgresKilled(ILogger logger, string directory);

    [LoggerMessage(4, LogLevel.Information, "anvil running on {Endpoint} with chain id {ChainId}")]
    public static partial void AnvilStarted(ILogger logger, string endpoint, ulong chainId);

    [LoggerMessage(5, LogLevel.Information, "Contracts on chain {ChainId}: EthereumDIDRegistry {Registry}, AuditAnchor {Anchor}")]
    public static partial void ContractsReady(ILogger logger, ulong chainId, string registry, string anchor);

    [LoggerMessage(6, LogLevel.Information, "Using PostgreSQL {Version} at {Host}:{Port} (database {Database})")]
    public static partial void PostgresConnected(ILogger logger, string version, string host, int port, string database);

    [LoggerMessage(7, LogLevel.Information, "Using the Ethereum node at {Endpoint} (chain id {ChainId})")]
    public static partial void ChainConnected(ILogger logger, string endpoint, ulong chainId);
}
