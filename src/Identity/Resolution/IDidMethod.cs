using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Resolution;

/// <summary>One DID method's resolver (did:key here; did:ethr and did:web are the others).</summary>
public interface IDidMethod
{
    /// <summary>Gets the method name, for example <c>key</c>.</summary>
    string Name { get; }

    /// <summary>Resolves a DID of this method.</summary>
    /// <param name="did">The DID; its method is this method's name.</param>
    /// <param name="options">The resolution options.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The result; failures are results with an error, not exceptions.</returns>
    ValueTask<DidResolutionResult> ResolveAsync(Did did, DidResolutionOptions options, CancellationToken cancellationToken);

    /// <summary>Says how long a successful result may be cached.</summary>
    /// <param name="did">The DID.</param>
    /// <param name="options">The options it was resolved with.</param>
    /// <returns><see cref="TimeSpan.Zero"/> for never, <see cref="TimeSpan.MaxValue"/> for as long as there is room.</returns>
    TimeSpan CacheLifetime(Did did, DidResolutionOptions options);
}
