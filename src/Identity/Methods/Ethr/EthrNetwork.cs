using System.Globalization;
using IdentityEhr.Ethereum;

namespace IdentityEhr.Identity.Methods.Ethr;

/// <summary>A chain did:ethr DIDs may name: its name, chain id, RPC endpoint and ERC-1056 registry.</summary>
/// <param name="Name">The network name used in DIDs, for example <c>mainnet</c> or <c>dev</c>.</param>
/// <param name="ChainId">The EIP-155 chain id; DIDs may also name the network as <c>0x</c> + the chain id in hex.</param>
/// <param name="Rpc">The JSON-RPC endpoint. It may hold an API key: never print it whole.</param>
/// <param name="Registry">The EthereumDIDRegistry (ERC-1056) address on that chain.</param>
public sealed record EthrNetwork(string Name, ulong ChainId, Uri Rpc, Address Registry)
{
    /// <summary>Gets the hex form of the chain id as did:ethr writes it: <c>0x</c> and lowercase digits, no padding.</summary>
    public string HexChainId => "0x" + ChainId.ToString("x", CultureInfo.InvariantCulture);
}
