using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Rpc;

namespace IdentityEhr.Embedded;

/// <summary>The Ethereum chain the service uses, and its contracts there.</summary>
public sealed class ChainEndpoint
{
    internal ChainEndpoint(Uri rpc, ulong chainId, bool isEmbedded, DeployedContracts? contracts)
    {
        Rpc = rpc;
        ChainId = chainId;
        IsEmbedded = isEmbedded;
        Contracts = contracts;
    }

    /// <summary>Gets the JSON-RPC URL. It may hold an API key: print <see cref="EthereumRpcClient.DescribeEndpoint"/> instead.</summary>
    public Uri Rpc { get; }

    /// <summary>Gets the chain id, checked against the node at start.</summary>
    public ulong ChainId { get; }

    /// <summary>Gets a value saying whether the chain is the local anvil this process started.</summary>
    public bool IsEmbedded { get; }

    /// <summary>Gets the registry and anchor contract, or <see langword="null"/> when none are configured yet.</summary>
    public DeployedContracts? Contracts { get; }

    /// <summary>Describes the endpoint by its origin only.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() => $"chain {ChainId} at {EthereumRpcClient.DescribeEndpoint(Rpc)}";
}
