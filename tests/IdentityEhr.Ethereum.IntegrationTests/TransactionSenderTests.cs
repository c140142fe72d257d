using System.Numerics;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Ethereum.Transactions;
using IdentityEhr.Testing;

namespace IdentityEhr.Ethereum.IntegrationTests;

/// <summary>Locally signed EIP-1559 transactions sent to anvil from a fresh, funded account per test.</summary>
public sealed class TransactionSenderTests(AnvilFixture anvil) : IAsyncLifetime, IDisposable
{
    private readonly EthereumRpcClient _client = anvil.CreateClient();
    private readonly byte[] _key = Secp256k1.GeneratePrivateKey();
    private static readonly Address s_recipient = Address.Parse("0x000000000000000000000000000000000000dead");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        await new AnvilControl(_client).SetBalanceAsync(Address.FromPublicKey(Secp256k1.DerivePublicKey(_key)), BigInteger.Pow(10, 20), Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _client.Dispose();

    private TransactionSender NewSender() => new(_client, anvil.ChainId, _key);

    [Fact]
    public async Task A_transfer_is_mined_from_the_senders_account()
    {
        using var sender = NewSender();

        var receipt = await sender.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct);

        Assert.Equal((true, sender.Account), (receipt.Succeeded, receipt.From));
    }

    [Fact]
    public async Task Concurrent_sends_get_distinct_nonces_and_all_land()
    {
        using var sender = NewSender();

        var receipts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sender.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct)));

        Assert.Equal((20, 20UL), (receipts.Count(r => r.Succeeded), await _client.GetTransactionCountAsync(sender.Account, BlockTag.Latest, Ct)));
    }

    [Fact]
    public async Task A_nonce_taken_by_another_sender_of_the_account_is_retried_with_the_next()
    {
        using var first = NewSender();
        using var second = NewSender();
        await first.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct);
        await second.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct);

        // first still believes nonce 1 is free; the node says it is used, and the sender resynchronises.
        var receipt = await first.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct);

        Assert.Equal((true, 3UL), (receipt.Succeeded, await _client.GetTransactionCountAsync(first.Account, BlockTag.Latest, Ct)));
    }

    [Fact]
    public async Task A_reverting_call_is_refused_before_a_nonce_is_spent()
    {
        using var sender = NewSender();
        var contracts = await anvil.DeployContractsAsync(Ct);
        var error = await Assert.ThrowsAsync<EthereumRpcException>(() => sender.SendAsync(contracts.AuditAnchor, AuditAnchorContract.AnchorCall(new byte[32], 1), cancellationToken: Ct));

        var receipt = await sender.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct);

        Assert.Equal((RpcErrorKind.Reverted, true, 1UL), (error.Kind, receipt.Succeeded, await _client.GetTransactionCountAsync(sender.Account, BlockTag.Latest, Ct)));
    }

    [Fact]
    public async Task A_contract_is_created_when_there_is_no_recipient()
    {
        using var sender = NewSender();

        var receipt = await sender.SendAsync(null, ContractArtifact.EthereumDidRegistry.Bytecode.ToArray(), cancellationToken: Ct);

        Assert.Equal(ContractArtifact.EthereumDidRegistry.DeployedBytecode.Length, (await _client.GetCodeAsync(receipt.ContractAddress!.Value, Ct)).Length);
    }

    [Fact]
    public async Task A_sender_bound_to_another_chain_is_refused_by_the_node()
    {
        using var sender = new TransactionSender(_client, anvil.ChainId + 1, _key);

        var error = await Assert.ThrowsAsync<EthereumRpcException>(() => sender.SendAsync(s_recipient, Array.Empty<byte>(), 1, Ct));

        Assert.False(error.IsTransient);
    }
}
