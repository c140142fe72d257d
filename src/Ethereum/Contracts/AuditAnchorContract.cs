using IdentityEhr.Ethereum.Abi;
using IdentityEhr.Ethereum.Rpc;

namespace IdentityEhr.Ethereum.Contracts;

/// <summary>Typed access to the AuditAnchor contract (contracts/src/AuditAnchor.sol): reads, the <c>anchor</c> call, and its events.</summary>
public sealed class AuditAnchorContract
{
    private static readonly ContractAbi s_abi = ContractAbi.Parse(ContractArtifact.AuditAnchor.AbiJson);
    private static readonly EventSignature s_anchored = s_abi.GetEvent("Anchored");
    private readonly EthereumRpcClient _client;

    /// <summary>Creates a binding to the contract at <paramref name="address"/>.</summary>
    /// <param name="client">The JSON-RPC client of the contract's chain.</param>
    /// <param name="address">The contract's address.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public AuditAnchorContract(EthereumRpcClient client, Address address)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        Address = address;
    }

    /// <summary>Gets the contract's address.</summary>
    public Address Address { get; }

    /// <summary>Gets the topic 0 of <c>Anchored(uint64 indexed seq, bytes32 indexed root, uint64 treeSize)</c>.</summary>
    public static ReadOnlySpan<byte> AnchoredTopic => s_anchored.Topic0;

    /// <summary>Call data of <c>anchor(root, treeSize)</c>.</summary>
    /// <param name="root">The 32-byte tree root.</param>
    /// <param name="treeSize">The tree size; must exceed the last anchored size.</param>
    /// <returns>The call data.</returns>
    /// <exception cref="ArgumentException"><paramref name="root"/> is not 32 bytes.</exception>
    public static byte[] AnchorCall(ReadOnlySpan<byte> root, ulong treeSize)
    {
        if (root.Length != 32)
        {
            throw new ArgumentException("A tree root is 32 bytes.", nameof(root));
        }

        return s_abi.GetFunction("anchor").EncodeCall(new AbiBytes(root), new AbiInteger(treeSize));
    }

    /// <summary>Returns the number of anchors so far (<c>count</c>).</summary>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<ulong> CountAsync(BlockTag block, CancellationToken cancellationToken = default) =>
        (ulong)((AbiInteger)(await CallAsync("count", block, cancellationToken).ConfigureAwait(false))).Value;

    /// <summary>Returns the tree size of the latest anchor (<c>treeSize</c>).</summary>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tree size, 0 before the first anchor.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<ulong> TreeSizeAsync(BlockTag block, CancellationToken cancellationToken = default) =>
        (ulong)((AbiInteger)(await CallAsync("treeSize", block, cancellationToken).ConfigureAwait(false))).Value;

    /// <summary>Returns the identity whose owner or <c>anchor</c> delegate may anchor (<c>identity</c>).</summary>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The identity address.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<Address> IdentityAsync(BlockTag block, CancellationToken cancellationToken = default) =>
        ((AbiAddress)await CallAsync("identity", block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Returns the ERC-1056 registry the contract consults (<c>registry</c>).</summary>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The registry address.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<Address> RegistryAsync(BlockTag block, CancellationToken cancellationToken = default) =>
        ((AbiAddress)await CallAsync("registry", block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The ERC-1056 delegate type the contract accepts besides the identity's owner (<c>ANCHOR_DELEGATE_TYPE</c>).</summary>
    public const string AnchorDelegateType = "anchor";

    /// <summary>The contract's rule for who may anchor: the identity's owner or a valid <c>anchor</c> delegate, in the registry.</summary>
    /// <param name="registry">The registry the contract consults.</param>
    /// <param name="identity">The identity the contract anchors for.</param>
    /// <param name="sender">The account in question.</param>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns><see langword="true"/> when <paramref name="sender"/> may anchor at <paramref name="block"/>.</returns>
    /// <exception cref="EthereumRpcException">A call failed.</exception>
    public static async Task<bool> MayAnchorAsync(
        Erc1056.EthereumDidRegistry registry, Address identity, Address sender, BlockTag block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return sender == await registry.IdentityOwnerAsync(identity, block, cancellationToken).ConfigureAwait(false)
            || await registry.ValidDelegateAsync(identity, AnchorDelegateType, sender, block, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads what the contract is bound to: its identity and registry (immutables, so read at the latest block).</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>Both addresses, or <see langword="null"/> when the address does not answer as an AuditAnchor.</returns>
    /// <exception cref="EthereumRpcException">The node could not be asked.</exception>
    public async Task<(Address Identity, Address Registry)?> TryReadBindingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await IdentityAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false),
                await RegistryAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false));
        }
        catch (EthereumRpcException e) when (e.Kind is RpcErrorKind.InvalidResponse or RpcErrorKind.Reverted)
        {
            return null;
        }
    }

    /// <summary>Decodes an <c>Anchored</c> log of this contract.</summary>
    /// <param name="log">The log.</param>
    /// <param name="anchored">The anchor when the log is one.</param>
    /// <returns><see langword="true"/> when the log is an <c>Anchored</c> event emitted by this contract; otherwise <see langword="false"/>.</returns>
    public bool TryDecodeAnchored(LogEntry log, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Anchored? anchored)
    {
        ArgumentNullException.ThrowIfNull(log);
        anchored = null;
        if (log.Address != Address || !s_anchored.TryDecodeLog(log.Topics, log.Data, out var fields, out _))
        {
            return false;
        }

        anchored = new Anchored(
            (ulong)((AbiInteger)fields["seq"]).Value,
            ((AbiBytes)fields["root"]).ToArray(),
            (ulong)((AbiInteger)fields["treeSize"]).Value,
            log.BlockNumber,
            log.BlockHash,
            log.TransactionHash,
            log.LogIndex);
        return true;
    }

    private async Task<AbiValue> CallAsync(string function, BlockTag block, CancellationToken cancellationToken)
    {
        var signature = s_abi.GetFunction(function);
        var result = await _client.CallAsync(new CallRequest(null, Address, signature.EncodeCall()), block, cancellationToken).ConfigureAwait(false);
        return signature.TryDecodeResult(result, out var values, out var error)
            ? values[0]
            : throw new EthereumRpcException($"{function} at {Address} returned data that does not decode ({error}): is it an AuditAnchor?", RpcErrorKind.InvalidResponse);
    }
}
