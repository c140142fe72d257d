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
}
