using System.Net;
using System.Net.Sockets;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Testing;

namespace IdentityEhr.Ethereum.IntegrationTests;

/// <summary>The JSON-RPC client against a real anvil.</summary>
public sealed class RpcClientTests(AnvilFixture anvil) : IDisposable
{
    private readonly EthereumRpcClient _client = anvil.CreateClient();

    public void Dispose() => _client.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // anchor(bytes32,uint64) with root 0xe60e…3417 and tree size 4242 (shared/vectors/ethereum/generated/abi-generated.json).
    private static readonly byte[] s_anchorCall = Convert.FromHexString(
        "db2c4acae60ea26721d5ee50c10de7017bdbca13bfe428d1b2b28067abf8a0f808a634170000000000000000000000000000000000000000000000000000000000001092");

    [Fact]
    public async Task Latest_block_has_a_hash_and_a_base_fee()
    {
        var block = await _client.GetBlockAsync(BlockTag.Latest, Ct);

        Assert.Equal((66, true), (block!.Hash.Length, block.BaseFeePerGas is not null));
    }

    [Fact]
    public async Task A_block_read_by_hash_is_the_block_read_by_number()
    {
        var byNumber = await _client.GetBlockAsync(BlockTag.Latest, Ct);

        var byHash = await _client.GetBlockByHashAsync(byNumber!.Hash, Ct);

        Assert.Equal(byNumber, byHash);
    }

    [Fact]
    public async Task Finalized_trails_latest_on_anvil()
    {
        await new AnvilControl(_client).MineAsync(70, Ct);

        var latest = await _client.GetBlockAsync(BlockTag.Latest, Ct);
        var finalized = await _client.GetBlockAsync(BlockTag.Finalized, Ct);

        Assert.True(finalized!.Number < latest!.Number);
    }

    [Fact]
    public async Task A_call_that_reverts_is_a_permanent_Reverted_error_with_its_data()
    {
        var contracts = await anvil.DeployContractsAsync(Ct);

        var error = await Assert.ThrowsAsync<EthereumRpcException>(
            () => _client.CallAsync(new CallRequest(null, contracts.AuditAnchor, s_anchorCall), BlockTag.Latest, Ct));

        Assert.Equal((RpcErrorKind.Reverted, false, true), (error.Kind, error.IsTransient, error.RevertData is { Length: > 4 }));
    }

    [Fact]
    public async Task Estimating_a_reverting_transaction_is_Reverted()
    {
        var contracts = await anvil.DeployContractsAsync(Ct);
        var outsider = (await _client.GetAccountsAsync(Ct))[5];

        var error = await Assert.ThrowsAsync<EthereumRpcException>(
            () => _client.EstimateGasAsync(new CallRequest(outsider, contracts.AuditAnchor, s_anchorCall), Ct));

        Assert.Equal(RpcErrorKind.Reverted, error.Kind);
    }

    [Fact]
    public async Task Fee_estimate_offers_twice_the_next_base_fee_plus_the_tip()
    {
        var fees = await _client.EstimateFeesAsync(minimumPriorityFeePerGas: 1_000_000, Ct);

        Assert.Equal((2 * fees.NextBaseFeePerGas) + fees.MaxPriorityFeePerGas, fees.MaxFeePerGas);
    }

    [Fact]
    public async Task Transaction_count_counts_sent_transactions()
    {
        var accounts = await _client.GetAccountsAsync(Ct);
        var sender = accounts[7];
        var before = await _client.GetTransactionCountAsync(sender, BlockTag.Pending, Ct);
        var hash = await _client.SendNodeSignedTransactionAsync(sender, accounts[8], Array.Empty<byte>(), cancellationToken: Ct);
        await _client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(before + 1, await _client.GetTransactionCountAsync(sender, BlockTag.Latest, Ct));
    }

    [Fact]
    public async Task A_receipt_names_its_sender_and_block()
    {
        var accounts = await _client.GetAccountsAsync(Ct);
        var hash = await _client.SendNodeSignedTransactionAsync(accounts[6], accounts[8], Array.Empty<byte>(), cancellationToken: Ct);

        var receipt = await _client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10), Ct);
        var block = await _client.GetBlockByHashAsync(receipt.BlockHash, Ct);

        Assert.Equal((accounts[6], receipt.BlockNumber), (receipt.From, block!.Number));
    }

    [Fact]
    public async Task An_unreachable_node_is_a_transient_Unreachable_error()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new EthereumRpcClient(new Uri($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<EthereumRpcException>(() => client.GetChainIdAsync(Ct));

        Assert.Equal((RpcErrorKind.Unreachable, true), (error.Kind, error.IsTransient));
    }

    [Fact]
    public async Task A_method_the_node_does_not_know_is_a_permanent_Rejected_error()
    {
        var error = await Assert.ThrowsAsync<EthereumRpcException>(() => _client.CallAsync("eth_noSuchMethod", [], Ct));

        Assert.Equal((RpcErrorKind.Rejected, false), (error.Kind, error.IsTransient));
    }

    [Fact]
    public async Task A_rollback_makes_the_receipt_of_a_removed_block_disappear()
    {
        // A reorg rewrites the chain, so this test has a node of its own.
        await using var node = await Embedded.AnvilNode.StartAsync(
            new Embedded.AnvilNodeOptions { Executable = Embedded.LocalTools.FindAnvil(null, [RepositoryPaths.Root]), Directory = Embedded.ThrowawayDirectory.Create("anvil") },
            null, Ct);
        using var client = new EthereumRpcClient(node.Rpc);
        var accounts = await client.GetAccountsAsync(Ct);
        var hash = await client.SendNodeSignedTransactionAsync(accounts[9], accounts[8], Array.Empty<byte>(), cancellationToken: Ct);
        await client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10), Ct);

        await new AnvilControl(client).RollbackAsync(1, Ct);

        Assert.Null(await client.GetTransactionReceiptAsync(hash, Ct));
    }
}
