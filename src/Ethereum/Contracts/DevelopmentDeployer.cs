using IdentityEhr.Ethereum.Rpc;

namespace IdentityEhr.Ethereum.Contracts;

/// <summary>Deploys the registry and the anchor contract on a development node that holds the deployer's key (anvil).</summary>
/// <remarks>
/// The node signs (<c>eth_sendTransaction</c>), so this is for local chains only. Deploying to a public chain signs locally
/// with the service's own key and comes with the Ethereum transaction layer.
/// </remarks>
public static class DevelopmentDeployer
{
    private static readonly TimeSpan s_receiptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Deploys a fresh <c>EthereumDIDRegistry</c> and an <c>AuditAnchor</c> bound to it and to <paramref name="serviceIdentity"/>.</summary>
    /// <param name="client">A client for the development node.</param>
    /// <param name="deployer">A node-held account that pays for the deployment.</param>
    /// <param name="serviceIdentity">The did:ethr identity whose owner or <c>anchor</c> delegate may anchor.</param>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <returns>The deployed addresses.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="EthereumRpcException">A call failed or a deployment reverted.</exception>
    public static async Task<DeployedContracts> DeployAsync(
        EthereumRpcClient client, Address deployer, Address serviceIdentity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var registry = await DeployAsync(client, deployer, ContractArtifact.EthereumDidRegistry, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);

        // constructor(IEthereumDIDRegistry registry_, address identity_): two static ABI words.
        var arguments = new byte[64];
        registry.ToBytes().CopyTo(arguments.AsSpan(12, Address.SizeInBytes));
        serviceIdentity.ToBytes().CopyTo(arguments.AsSpan(32 + 12, Address.SizeInBytes));
        var anchor = await DeployAsync(client, deployer, ContractArtifact.AuditAnchor, arguments, cancellationToken).ConfigureAwait(false);
        return new DeployedContracts(registry, anchor, serviceIdentity);
    }

    /// <summary>Deploys one contract and checks that the expected runtime code is at the new address.</summary>
    /// <param name="client">A client for the development node.</param>
    /// <param name="deployer">A node-held account that pays for the deployment.</param>
    /// <param name="artifact">The compiled contract.</param>
    /// <param name="constructorArguments">ABI-encoded constructor arguments, appended to the init code.</param>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <returns>The new contract's address.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="artifact"/> is <see langword="null"/>.</exception>
    /// <exception cref="EthereumRpcException">A call failed or the deployment reverted.</exception>
    public static async Task<Address> DeployAsync(
        EthereumRpcClient client, Address deployer, ContractArtifact artifact, ReadOnlyMemory<byte> constructorArguments,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(artifact);
        var initCode = new byte[artifact.Bytecode.Length + constructorArguments.Length];
        artifact.Bytecode.CopyTo(initCode);
        constructorArguments.Span.CopyTo(initCode.AsSpan(artifact.Bytecode.Length));

        string hash;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                hash = await client.SendNodeSignedTransactionAsync(deployer, to: null, initCode, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (EthereumRpcException e) when (e.Kind is RpcErrorKind.NonceTooLow && attempt < 3)
            {
                // The node assigns the nonce; a concurrent sender of the same account can win the race. Ask again.
            }
        }

        var receipt = await client.WaitForReceiptAsync(hash, s_receiptTimeout, cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded || receipt.ContractAddress is not { } address)
        {
            throw new EthereumRpcException(
                $"deploying {artifact.ContractName} reverted (transaction {hash})", RpcErrorKind.Reverted);
        }

        // Immutables are patched into the runtime code at deployment, so compare lengths, not bytes.
        var code = await client.GetCodeAsync(address, cancellationToken).ConfigureAwait(false);
        if (code.Length != artifact.DeployedBytecode.Length)
        {
            throw new EthereumRpcException(
                $"{artifact.ContractName} at {address} has {code.Length} bytes of code, expected {artifact.DeployedBytecode.Length}",
                RpcErrorKind.InvalidResponse);
        }

        return address;
    }

    /// <summary>The ERC-1056 attribute under which the service publishes its log's Ed25519 checkpoint key.</summary>
    public const string LogKeyAttribute = "did/pub/Ed25519/veriKey/base64";

    // A development chain's provisioning outlives any run of the service: about a hundred years.
    private const uint DevelopmentValiditySeconds = 3_153_600_000;

    /// <summary>
    /// Prepares a node-held service identity for anchoring: makes <paramref name="anchorAccount"/> an <c>anchor</c> delegate, publishes
    /// the log's Ed25519 checkpoint key as a <see cref="LogKeyAttribute"/> attribute, and funds the anchor account (100 ETH when it
    /// holds less than 1). Each step is skipped when already in place.
    /// </summary>
    /// <param name="client">A client for the development node (anvil: it signs for the identity and sets balances).</param>
    /// <param name="registry">The ERC-1056 registry.</param>
    /// <param name="identity">The node-held service identity.</param>
    /// <param name="anchorAccount">The account the service anchors from.</param>
    /// <param name="logKey">The 32-byte Ed25519 public key that signs checkpoints.</param>
    /// <param name="publishedLogKeys">The Ed25519 keys the identity's DID document already lists (resolved by the caller).</param>
    /// <param name="cancellationToken">Cancels the provisioning.</param>
    /// <returns>A task that completes when every step is mined.</returns>
    /// <exception cref="EthereumRpcException">A transaction failed.</exception>
    public static async Task ProvisionAnchoringAsync(
        EthereumRpcClient client, Address registry, Address identity, Address anchorAccount, ReadOnlyMemory<byte> logKey,
        IReadOnlyCollection<ReadOnlyMemory<byte>> publishedLogKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(publishedLogKeys);
        var binding = new Erc1056.EthereumDidRegistry(client, registry);
        if (!await AuditAnchorContract.MayAnchorAsync(binding, identity, anchorAccount, BlockTag.Latest, cancellationToken).ConfigureAwait(false))
        {
            await SendAsync(client, identity, registry,
                Erc1056.EthereumDidRegistry.AddDelegateCall(identity, AuditAnchorContract.AnchorDelegateType, anchorAccount, DevelopmentValiditySeconds), cancellationToken).ConfigureAwait(false);
        }

        if (!publishedLogKeys.Any(k => k.Span.SequenceEqual(logKey.Span)))
        {
            await SendAsync(client, identity, registry,
                Erc1056.EthereumDidRegistry.SetAttributeCall(identity, LogKeyAttribute, logKey.Span, DevelopmentValiditySeconds), cancellationToken).ConfigureAwait(false);
        }

        // Top up below 1 ETH only, so a restart leaves the balance (and what anchoring has cost) as it is.
        if (await client.GetBalanceAsync(anchorAccount, BlockTag.Latest, cancellationToken).ConfigureAwait(false) < System.Numerics.BigInteger.Pow(10, 18))
        {
            await new AnvilControl(client).SetBalanceAsync(anchorAccount, System.Numerics.BigInteger.Pow(10, 20), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(EthereumRpcClient client, Address from, Address to, byte[] data, CancellationToken cancellationToken)
    {
        // The node's own estimate can fall short for these calls; twice the estimate is ample and still bounded.
        var estimate = await client.EstimateGasAsync(new CallRequest(from, to, data), cancellationToken).ConfigureAwait(false);
        var hash = await client.SendNodeSignedTransactionAsync(from, to, data, estimate * 2, cancellationToken).ConfigureAwait(false);
        var receipt = await client.WaitForReceiptAsync(hash, s_receiptTimeout, cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            throw new EthereumRpcException($"provisioning transaction {hash} reverted", RpcErrorKind.Reverted);
        }
    }
}
