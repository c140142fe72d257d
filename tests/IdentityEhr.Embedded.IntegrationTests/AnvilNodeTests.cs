using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Testing;

namespace IdentityEhr.Embedded.IntegrationTests;

public sealed class AnvilNodeTests(AnvilFixture anvil)
{
    [Fact]
    public async Task Node_reports_the_fixed_chain_id()
    {
        using var client = anvil.CreateClient();

        Assert.Equal(DevelopmentChain.ChainId, await client.GetChainIdAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Deployed_registry_has_exactly_the_runtime_code_of_the_npm_artifact()
    {
        var ct = TestContext.Current.CancellationToken;
        var contracts = await anvil.DeployContractsAsync(ct);
        using var client = anvil.CreateClient();

        var code = await client.GetCodeAsync(contracts.DidRegistry, ct);

        Assert.Equal(ContractArtifact.EthereumDidRegistry.DeployedBytecode.ToArray(), code);
    }

    [Fact]
    public async Task Deployed_anchor_contract_has_runtime_code_of_the_compiled_size()
    {
        var ct = TestContext.Current.CancellationToken;
        var contracts = await anvil.DeployContractsAsync(ct);
        using var client = anvil.CreateClient();

        var code = await client.GetCodeAsync(contracts.AuditAnchor, ct);

        Assert.Equal(ContractArtifact.AuditAnchor.DeployedBytecode.Length, code.Length);
    }

    [Fact]
    public async Task Each_deployment_gets_fresh_contracts()
    {
        var ct = TestContext.Current.CancellationToken;

        var first = await anvil.DeployContractsAsync(ct);
        var second = await anvil.DeployContractsAsync(ct);

        Assert.NotEqual(first.AuditAnchor, second.AuditAnchor);
    }

    [Fact]
    public async Task Dispose_stops_anvil_and_removes_its_folder()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = ThrowawayDirectory.Create("anvil");
        var node = await AnvilNode.StartAsync(
            new AnvilNodeOptions { Executable = LocalTools.FindAnvil(null, [RepositoryPaths.Root]), Directory = directory }, null, ct);
        using var client = new EthereumRpcClient(node.Rpc);

        await node.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        var error = await Assert.ThrowsAsync<EthereumRpcException>(() => client.GetChainIdAsync(ct));
        Assert.True(error.IsTransient);
    }
}
