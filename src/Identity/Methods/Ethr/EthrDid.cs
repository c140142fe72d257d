using System.Globalization;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Identity.Methods.Ethr;

/// <summary>The did:ethr method: DIDs whose documents are read from an ERC-1056 registry on an Ethereum chain.</summary>
/// <remarks>
/// did:ethr method spec (decentralized-identity/ethr-did-resolver, doc/did-method-spec.md) §Read: the history is walked from
/// <c>changed()</c> backwards through the registry's events, then applied in order (see <see cref="EthrDocumentBuilder"/>).
/// <c>?versionId=</c> (a block number) and <c>?versionTime=</c> give past documents. A node failure is <c>INTERNAL_ERROR</c>, never a
/// wrong document. Results are cached briefly: a did:ethr can change with every block.
/// </remarks>
public sealed class EthrDid : IDidMethod, IDisposable
{
    /// <summary>How long a current (unversioned) result may be cached.</summary>
    public static readonly TimeSpan CurrentCacheLifetime = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, (EthrNetwork Network, EthereumRpcClient Client)> _networks = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    /// <summary>Creates the method for the given networks.</summary>
    /// <param name="networks">The networks; each is found by its name and by <c>0x</c> + its chain id in hex.</param>
    /// <param name="timeProvider">The clock for validity checks.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two networks share a name or a chain id.</exception>
    public EthrDid(IEnumerable<EthrNetwork> networks, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        foreach (var network in networks)
        {
            var entry = (network, new EthereumRpcClient(network.Rpc));
            if (!_networks.TryAdd(network.HexChainId, entry) || (!string.Equals(network.Name, network.HexChainId, StringComparison.OrdinalIgnoreCase) && !_networks.TryAdd(network.Name, entry)))
            {
                entry.Item2.Dispose();
                throw new ArgumentException($"Two did:ethr networks share the name or chain id of '{network.Name}'.", nameof(networks));
            }
        }
    }

    /// <inheritdoc/>
    public string Name => EthrIdentifier.MethodName;

    /// <inheritdoc/>
    public async ValueTask<DidResolutionResult> ResolveAsync(Did did, DidResolutionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(did);
        ArgumentNullException.ThrowIfNull(options);
        if (!EthrIdentifier.TryParse(did, out var identifier, out var reason))
        {
            return DidResolutionResult.Failure(DidResolutionError.InvalidDid, reason);
        }

        if (!_networks.TryGetValue(identifier.Network, out var network))
        {
            return DidResolutionResult.Failure(DidResolutionError.NotFound, $"this resolver has no did:ethr network '{identifier.Network}'; known: {string.Join(", ", _networks.Keys.Order(StringComparer.Ordinal))}");
        }

        ulong? versionId = null;
        if (options.VersionId is { } versionText)
        {
            if (!ulong.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return DidResolutionResult.Failure(DidResolutionError.InvalidOptions, "a did:ethr versionId is a block number in decimal");
            }

            versionId = number;
        }

        try
        {
            var registry = new EthereumDidRegistry(network.Client, network.Network.Registry);
            var history = await registry.GetHistoryAsync(identifier.Address, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (versionId is { } version)
            {
                // Validity is judged at the version's own block time.
                var block = await network.Client.GetBlockAsync(BlockTag.Number(version), cancellationToken).ConfigureAwait(false);
                if (block is null)
                {
                    return DidResolutionResult.Failure(DidResolutionError.NotFound, $"block {version} does not exist yet");
                }

                now = block.Timestamp;
            }
            else if (options.VersionTime is { } time)
            {
                versionId = history.LastOrDefault(e => e.BlockTime <= time)?.BlockNumber ?? 0;
                now = time;
            }

            var (document, metadata) = EthrDocumentBuilder.Build(did, network.Network.ChainId, identifier, history, versionId, now);
            return DidResolutionResult.Success(document, metadata);
        }
        catch (EthereumRpcException e)
        {
            return DidResolutionResult.Failure(DidResolutionError.InternalError, $"the chain could not be read: {e.Message}");
        }
    }

    /// <inheritdoc/>
    public TimeSpan CacheLifetime(Did did, DidResolutionOptions options) => CurrentCacheLifetime;

    /// <summary>Releases the networks' JSON-RPC clients.</summary>
    public void Dispose()
    {
        foreach (var client in _networks.Values.Select(v => v.Client).Distinct())
        {
            client.Dispose();
        }
    }
}
