using IdentityEhr.Embedded;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Rpc;
using Xunit;

namespace IdentityEhr.Testing;

/// <summary>
/// A real Ethereum node for one test assembly: the node named by <c>EHR_ETH_RPC</c> and <c>EHR_CHAIN_ID</c> (a development node
/// that holds funded accounts), or anvil from the pinned npm package. Each test class deploys its own contracts
/// (<see cref="DeployContractsAsync"/>). Failing to start fails every test; nothing is skipped.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _deployments = new(1, 1);
    private AnvilNode? _node;
    private Uri? _rpc;

    /// <summary>Gets the node's JSON-RPC URL.</summary>
    public Uri Rpc => _rpc ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Gets the chain id the node reports.</summary>
    public ulong ChainId { get; private set; }

    /// <summary>Gets the anvil this fixture started, or <see langword="null"/> when <c>EHR_ETH_RPC</c> names the node.</summary>
    public AnvilNode? Node => _node;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var settings = EhrSettings.Read(Environment.GetEnvironmentVariable);
        if (settings.EthereumRpc is { } given)
        {
            using var client = new EthereumRpcClient(given);
            var reported = await client.GetChainIdAsync(TestContext.Current.CancellationToken);
            if (reported != settings.ChainId)
            {
                throw new InvalidOperationException($"EHR_CHAIN_ID is {settings.ChainId} but the node reports {reported}.");
            }

            (_rpc, ChainId) = (given, reported);
            return;
        }

        _node = await AnvilNode.StartAsync(
            new AnvilNodeOptions
            {
                Executable = LocalTools.FindAnvil(settings.AnvilPath, [RepositoryPaths.Root]),
                Directory = ThrowawayDirectory.Create("anvil"),
            },
            logger: null, TestContext.Current.CancellationToken);
        (_rpc, ChainId) = (_node.Rpc, _node.ChainId);
    }

    /// <summary>Creates a client for the node; the caller disposes it.</summary>
    /// <returns>A new client.</returns>
    public EthereumRpcClient CreateClient() => new(Rpc);

    /// <summary>Deploys a fresh ERC-1056 registry and AuditAnchor, with node-held account 1 as the service identity.</summary>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <returns>The new addresses.</returns>
    public async Task<DeployedContracts> DeployContractsAsync(CancellationToken cancellationToken)
    {
        // Test classes deploy in parallel from one node-held account; anvil assigns that account's nonces racily, so one at a time.
        await _deployments.WaitAsync(cancellationToken);
        try
        {
            using var client = CreateClient();
            var accounts = await client.GetAccountsAsync(cancellationToken);
            return await DevelopmentDeployer.DeployAsync(
                client, accounts[DevelopmentChain.DeployerAccount], accounts[DevelopmentChain.ServiceIdentityAccount], cancellationToken);
        }
        finally
        {
            _deployments.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _deployments.Dispose();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
