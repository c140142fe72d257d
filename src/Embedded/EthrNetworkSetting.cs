namespace IdentityEhr.Embedded;

/// <summary>A chain on which the service resolves did:ethr DIDs, from <c>EHR_ETHR_NETWORKS</c>.</summary>
/// <param name="Name">The network name DIDs use, for example <c>mainnet</c> (lowercase letters and digits).</param>
/// <param name="ChainId">The chain id; DIDs may also name the network as <c>0x</c> + its hex.</param>
/// <param name="Rpc">The JSON-RPC URL (may hold an API key: never printed whole).</param>
/// <param name="Registry">The ERC-1056 registry on that chain.</param>
public sealed record EthrNetworkSetting(string Name, ulong ChainId, Uri Rpc, Ethereum.Address Registry);
