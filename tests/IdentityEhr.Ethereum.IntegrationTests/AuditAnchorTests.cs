using System.Security.Cryptography;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Testing;

namespace IdentityEhr.Ethereum.IntegrationTests;

/// <summary>contracts/src/AuditAnchor.sol on anvil: who may anchor, what is refused and why, what it emits, what it costs.</summary>
public sealed class AuditAnchorTests(AnvilFixture anvil) : IAsyncLifetime, IDisposable
{
    private readonly EthereumRpcClient _client = anvil.CreateClient();
    private DeployedContracts _contracts = null!;
    private IReadOnlyList<Address> _accounts = null!;
    private AuditAnchorContract _anchor = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Address Owner => _contracts.ServiceIdentity;

    private Address AnchorDelegate => _accounts[3];

    private Address Outsider => _accounts[4];

    public async ValueTask InitializeAsync()
    {
        _contracts = await anvil.DeployContractsAsync(Ct);
        _accounts = await _client.GetAccountsAsync(Ct);
        _anchor = new AuditAnchorContract(_client, _contracts.AuditAnchor);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _client.Dispose();

    private async Task<TransactionReceipt> SendAsync(Address from, Address to, byte[] data)
    {
        var hash = await _client.SendNodeSignedTransactionAsync(from, to, data, gasLimit: 300_000, cancellationToken: Ct);
        return await _client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10), Ct);
    }

    private Task<TransactionReceipt> AnchorAsync(Address from, ulong treeSize) =>
        SendAsync(from, _contracts.AuditAnchor, AuditAnchorContract.AnchorCall(RandomNumberGenerator.GetBytes(32), treeSize));

    private async Task<EthereumRpcException> RefusalAsync(Address from, ulong treeSize) =>
        await Assert.ThrowsAsync<EthereumRpcException>(() => _client.CallAsync(
            new CallRequest(from, _contracts.AuditAnchor, AuditAnchorContract.AnchorCall(new byte[32], treeSize)), BlockTag.Latest, Ct));

    private Task<TransactionReceipt> AddAnchorDelegateAsync() =>
        SendAsync(Owner, _contracts.DidRegistry, EthereumDidRegistry.AddDelegateCall(Owner, "anchor", AnchorDelegate, 86400));

    [Fact]
    public async Task The_owner_of_the_service_identity_may_anchor()
    {
        var receipt = await AnchorAsync(Owner, 10);

        Assert.True(receipt.Succeeded);
    }

    [Fact]
    public async Task An_anchor_delegate_may_anchor()
    {
        await AddAnchorDelegateAsync();

        var receipt = await AnchorAsync(AnchorDelegate, 10);

        Assert.True(receipt.Succeeded);
    }

    [Fact]
    public async Task Anyone_else_is_refused_with_the_reason()
    {
        var error = await RefusalAsync(Outsider, 10);

        Assert.Contains("Error(\"not_owner_or_anchor_delegate\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tree_size_that_does_not_grow_is_refused_with_the_reason()
    {
        await AnchorAsync(Owner, 10);

        var error = await RefusalAsync(Owner, 10);

        Assert.Contains("Error(\"tree_size_not_grown\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_anchor_delegate_is_refused()
    {
        await AddAnchorDelegateAsync();
        await SendAsync(Owner, _contracts.DidRegistry, EthereumDidRegistry.RevokeDelegateCall(Owner, "anchor", AnchorDelegate));

        var error = await RefusalAsync(AnchorDelegate, 10);

        Assert.Contains("not_owner_or_anchor_delegate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_owner_change_the_old_owner_is_refused()
    {
        await SendAsync(Owner, _contracts.DidRegistry, EthereumDidRegistry.ChangeOwnerCall(Owner, Outsider));

        var error = await RefusalAsync(Owner, 10);

        Assert.Contains("not_owner_or_anchor_delegate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anchor_emits_Anchored_with_its_sequence_root_and_size()
    {
        var root = RandomNumberGenerator.GetBytes(32);
        await AnchorAsync(Owner, 5);

        var receipt = await SendAsync(Owner, _contracts.AuditAnchor, AuditAnchorContract.AnchorCall(root, 9));

        Assert.True(_anchor.TryDecodeAnchored(receipt.Logs.Single(), out var anchored));
        Assert.Equal((1UL, Convert.ToHexString(root), 9UL), (anchored.Sequence, Convert.ToHexString(anchored.Root), anchored.TreeSize));
    }

    [Fact]
    public async Task Count_and_tree_size_follow_the_anchors()
    {
        await AnchorAsync(Owner, 5);
        await AnchorAsync(Owner, 8);

        Assert.Equal((2UL, 8UL), (await _anchor.CountAsync(BlockTag.Latest, Ct), await _anchor.TreeSizeAsync(BlockTag.Latest, Ct)));
    }

    [Fact]
    public async Task The_contract_names_its_registry_and_identity()
    {
        Assert.Equal((_contracts.DidRegistry, Owner), (await _anchor.RegistryAsync(BlockTag.Latest, Ct), await _anchor.IdentityAsync(BlockTag.Latest, Ct)));
    }

    [Fact]
    public async Task Anchored_events_are_found_by_their_topic()
    {
        var receipt = await AnchorAsync(Owner, 3);

        var logs = await _client.GetLogsAsync(new LogFilter(_contracts.AuditAnchor, [[AuditAnchorContract.AnchoredTopic.ToArray()]], receipt.BlockNumber, receipt.BlockNumber), cancellationToken: Ct);

        Assert.Single(logs);
    }

    [Fact]
    public async Task Gas_per_anchor_stays_within_40000_after_the_first()
    {
        await AddAnchorDelegateAsync();
        var first = await AnchorAsync(Owner, 1);
        var owner = await AnchorAsync(Owner, 2);
        var viaDelegate = await AnchorAsync(AnchorDelegate, 3);

        // Written to specs/performance.md; the first anchor also pays for the storage slot's first write.
        TestContext.Current.SendDiagnosticMessage($"gas per anchor: first {first.GasUsed}, owner {owner.GasUsed}, delegate {viaDelegate.GasUsed}");
        Assert.True(owner.GasUsed <= 40_000 && viaDelegate.GasUsed <= 40_000, $"owner {owner.GasUsed}, delegate {viaDelegate.GasUsed}");
    }
}
