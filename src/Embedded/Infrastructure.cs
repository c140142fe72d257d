using System.Text.Json;
using IdentityEhr.Embedded.Internal;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentityEhr.Embedded;

/// <summary>The database and chain the service runs on: the operator's, or the embedded defaults started here.</summary>
/// <remarks>
/// Embedded defaults: a private PostgreSQL cluster with a database named <see cref="DatabaseName"/>, and anvil with the
/// ERC-1056 registry and the AuditAnchor contract deployed. With <see cref="EhrSettings.DataDirectory"/> they keep their data
/// there across runs; without it they live in throwaway folders. Disposing stops whatever was started, in reverse order.
/// </remarks>
public sealed class Infrastructure : IAsyncDisposable
{
    /// <summary>The name of the service's database inside the private cluster.</summary>
    public const string DatabaseName = "ehr";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly PostgresCluster? _cluster;
    private readonly AnvilNode? _anvil;

    private Infrastructure(DatabaseEndpoint database, ChainEndpoint chain, PostgresCluster? cluster, AnvilNode? anvil)
    {
        Database = database;
        Chain = chain;
        _cluster = cluster;
        _anvil = anvil;
    }

    /// <summary>Gets the database the service uses.</summary>
    public DatabaseEndpoint Database { get; }

    /// <summary>Gets the chain the service uses.</summary>
    public ChainEndpoint Chain { get; }

    /// <summary>Connects to what the settings name and starts the embedded defaults for the rest.</summary>
    /// <param name="settings">The settings (see <see cref="EhrSettings.Read"/>).</param>
    /// <param name="logger">Receives progress messages, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start; anything already started is stopped again.</param>
    /// <returns>The running infrastructure.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    /// <exception cref="InfrastructureException">Something is misconfigured, unreachable or failed to start.</exception>
    public static async Task<Infrastructure> StartAsync(EhrSettings settings, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        logger ??= NullLogger.Instance;
        PostgresCluster? cluster = null;
        AnvilNode? anvil = null;
        try
        {
            // Check what can be checked without starting anything first, so a bad setting fails fast.
            var anvilPath = settings.EthereumRpc is null
                ? LocalTools.FindAnvil(settings.AnvilPath, [Environment.CurrentDirectory, AppContext.BaseDirectory])
                : null;

            DatabaseEndpoint database;
            if (settings.PostgresConnectionString is { } connectionString)
            {
                var info = await ProbeAsync(connectionString, EhrSettings.PostgresVariable, cancellationToken).ConfigureAwait(false);
                Log.PostgresConnected(logger, info.ServerVersion, info.Host, info.Port, info.Database);
                database = new DatabaseEndpoint(connectionString, isEmbedded: false);
            }
            else
            {
                cluster = await PostgresCluster.StartAsync(
                    new PostgresClusterOptions
                    {
                        Directory = settings.DataDirectory is { } data ? Path.Combine(data, "postgres") : ThrowawayDirectory.Create("postgres"),
                        Persistent = settings.DataDirectory is not null,
                        BinDirectory = settings.PostgresBinDirectory,
                    },
                    logger, cancellationToken).ConfigureAwait(false);
                await PostgresServer.EnsureDatabaseAsync(cluster.ConnectionString, DatabaseName, cancellationToken).ConfigureAwait(false);
                database = new DatabaseEndpoint(PostgresServer.WithDatabase(cluster.ConnectionString, DatabaseName), isEmbedded: true);
            }

            ChainEndpoint chain;
            if (settings.EthereumRpc is { } rpc)
            {
                chain = await ConnectChainAsync(rpc, settings.ChainId!.Value, settings.DidRegistry, settings.AuditAnchor, cancellationToken).ConfigureAwait(false);
                Log.ChainConnected(logger, EthereumRpcClient.DescribeEndpoint(rpc), chain.ChainId);
            }
            else
            {
                var directory = settings.DataDirectory is { } data ? Path.Combine(data, "anvil") : ThrowawayDirectory.Create("anvil");
                anvil = await AnvilNode.StartAsync(
                    new AnvilNodeOptions { Executable = anvilPath!, Directory = directory, Persistent = settings.DataDirectory is not null },
                    logger, cancellationToken).ConfigureAwait(false);
                var contracts = await EnsureContractsAsync(anvil, settings.DataDirectory is null ? null : directory, cancellationToken)
                    .ConfigureAwait(false);
                Log.ContractsReady(logger, anvil.ChainId, contracts.DidRegistry.ToString(), contracts.AuditAnchor.ToString());
                chain = new ChainEndpoint(anvil.Rpc, anvil.ChainId, isEmbedded: true, contracts);
            }

            return new Infrastructure(database, chain, cluster, anvil);
        }
        catch (Exception e)
        {
            if (anvil is not null)
            {
                await anvil.DisposeAsync().ConfigureAwait(false);
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            if (e is StorageException or EthereumException)
            {
                throw new InfrastructureStartupException(e.Message, e);
            }

            throw;
        }
    }

    /// <summary>Stops the embedded defaults that this instance started; connections given by settings are left alone.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_anvil is not null)
        {
            await _anvil.DisposeAsync().ConfigureAwait(false);
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<DatabaseServerInfo> ProbeAsync(string connectionString, string variable, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresServer.ProbeAsync(connectionString, cancellationToken).ConfigureAwait(false);
        }
        catch (DatabaseUnavailableException e)
        {
            throw new InfrastructureStartupException($"{variable}: {e.Message}", e);
        }
    }

    private static async Task<ChainEndpoint> ConnectChainAsync(
        Uri rpc, ulong expectedChainId, Address? registry, Address? anchor, CancellationToken cancellationToken)
    {
        using var client = new EthereumRpcClient(rpc);
        ulong chainId;
        try
        {
            chainId = await client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EthereumRpcException e)
        {
            throw new InfrastructureStartupException($"{EhrSettings.EthereumRpcVariable}: {e.Message}", e);
        }

        if (chainId != expectedChainId)
        {
            throw new InfrastructureStartupException(
                $"{EhrSettings.ChainIdVariable} is {expectedChainId} but the node at {EthereumRpcClient.DescribeEndpoint(rpc)} reports chain id {chainId}");
        }

        if (registry is not { } registryAddress || anchor is not { } anchorAddress)
        {
            return new ChainEndpoint(rpc, chainId, isEmbedded: false, contracts: null);
        }

        // The configured anchor contract must be an AuditAnchor bound to the configured registry; it names the service identity.
        try
        {
            var contract = new AuditAnchorContract(client, anchorAddress);
            var boundRegistry = await contract.RegistryAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false);
            if (boundRegistry != registryAddress)
            {
                throw new InfrastructureConfigurationException(
                    $"{EhrSettings.AuditAnchorVariable} {anchorAddress} is bound to registry {boundRegistry}, not {EhrSettings.DidRegistryVariable} {registryAddress}");
            }

            if ((await client.GetCodeAsync(registryAddress, cancellationToken).ConfigureAwait(false)).Length == 0)
            {
                throw new InfrastructureConfigurationException($"{EhrSettings.DidRegistryVariable} {registryAddress} has no contract code on chain {chainId}");
            }

            var identity = await contract.IdentityAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false);
            return new ChainEndpoint(rpc, chainId, isEmbedded: false, new DeployedContracts(registryAddress, anchorAddress, identity));
        }
        catch (EthereumRpcException e)
        {
            throw new InfrastructureStartupException($"{EhrSettings.AuditAnchorVariable} {anchorAddress} on chain {chainId} is not an AuditAnchor contract: {e.Message}", e);
        }
    }

    private static async Task<DeployedContracts> EnsureContractsAsync(AnvilNode anvil, string? stateDirectory, CancellationToken cancellationToken)
    {
        using var client = new EthereumRpcClient(anvil.Rpc);
        var recordFile = stateDirectory is null ? null : Path.Combine(stateDirectory, "contracts.json");
        if (recordFile is not null && File.Exists(recordFile))
        {
            var recorded = JsonSerializer.Deserialize<ContractRecord>(
                await File.ReadAllTextAsync(recordFile, cancellationToken).ConfigureAwait(false), s_json);
            if (recorded?.ToContracts() is { } contracts
                && (await client.GetCodeAsync(contracts.DidRegistry, cancellationToken).ConfigureAwait(false)).Length > 0
                && (await client.GetCodeAsync(contracts.AuditAnchor, cancellationToken).ConfigureAwait(false)).Length > 0)
            {
                return contracts;
            }
        }

        var accounts = await client.GetAccountsAsync(cancellationToken).ConfigureAwait(false);
        if (accounts.Count <= DevelopmentChain.ServiceIdentityAccount)
        {
            throw new InfrastructureStartupException("anvil holds fewer test accounts than the embedded deployment needs");
        }

        var deployed = await DevelopmentDeployer.DeployAsync(
            client, accounts[DevelopmentChain.DeployerAccount], accounts[DevelopmentChain.ServiceIdentityAccount], cancellationToken)
            .ConfigureAwait(false);
        if (recordFile is not null)
        {
            var record = new ContractRecord(deployed.DidRegistry.ToString(), deployed.AuditAnchor.ToString(), deployed.ServiceIdentity.ToString());
            await File.WriteAllTextAsync(recordFile, JsonSerializer.Serialize(record, s_json), cancellationToken).ConfigureAwait(false);
        }

        return deployed;
    }

    private sealed record ContractRecord(string DidRegistry, string AuditAnchor, string ServiceIdentity)
    {
        public DeployedContracts? ToContracts() =>
            Address.TryParse(DidRegistry, out var registry) && Address.TryParse(AuditAnchor, out var anchor)
            && Address.TryParse(ServiceIdentity, out var identity)
                ? new DeployedContracts(registry, anchor, identity)
                : null;
    }
}
