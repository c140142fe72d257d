using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Resolution;

/// <summary>Resolves any DID by dispatching to the method that owns it, with a bounded cache that follows each method's rules.</summary>
/// <remarks>DID Resolution v1.0 §4 (the resolve function). Failures are results with an error; only successes are cached.</remarks>
public sealed class DidResolver
{
    /// <summary>The default number of cached results.</summary>
    public const int DefaultCacheCapacity = 10_000;

    private readonly Dictionary<string, IDidMethod> _methods;
    private readonly ResolutionCache _cache;
    private readonly TimeProvider _time;

    /// <summary>Creates a resolver for the given methods.</summary>
    /// <param name="methods">The methods; names must be distinct.</param>
    /// <param name="timeProvider">The clock for cache expiry.</param>
    /// <param name="cacheCapacity">The most results kept; 0 disables the cache.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two methods have the same name.</exception>
    public DidResolver(IEnumerable<IDidMethod> methods, TimeProvider timeProvider, int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        _methods = new Dictionary<string, IDidMethod>(StringComparer.Ordinal);
        foreach (var method in methods)
        {
            if (!_methods.TryAdd(method.Name, method))
            {
                throw new ArgumentException($"Two resolvers for did:{method.Name}.", nameof(methods));
            }
        }

        _time = timeProvider;
        _cache = new ResolutionCache(cacheCapacity);
    }

    /// <summary>Gets the names of the supported methods.</summary>
    public IReadOnlyCollection<string> Methods => _methods.Keys;

    /// <summary>Resolves a DID given as text.</summary>
    /// <param name="did">The DID text.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The result: a document, or an error such as <see cref="DidResolutionError.InvalidDid"/>.</returns>
    public ValueTask<DidResolutionResult> ResolveAsync(string did, DidResolutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!Did.TryParse(did, out var parsed, out var error))
        {
            return ValueTask.FromResult(DidResolutionResult.Failure(DidResolutionError.InvalidDid, DescribeSyntax(error)));
        }

        return ResolveAsync(parsed, options, cancellationToken);
    }

    /// <summary>Resolves a DID.</summary>
    /// <param name="did">The DID.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="did"/> is <see langword="null"/>.</exception>
    public async ValueTask<DidResolutionResult> ResolveAsync(Did did, DidResolutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(did);
        options ??= DidResolutionOptions.Default;
        if (options.Accept is { } accept && accept != DidResolutionResult.DidMediaType)
        {
            return DidResolutionResult.Failure(DidResolutionError.RepresentationNotSupported, $"the only DID document representation offered is {DidResolutionResult.DidMediaType}");
        }

        if (!_methods.TryGetValue(did.Method, out var method))
        {
            return DidResolutionResult.Failure(DidResolutionError.MethodNotSupported, $"did:{did.Method} is not supported; supported: {string.Join(", ", _methods.Keys.Order().Select(m => "did:" + m))}");
        }

        var key = ResolutionCache.Key(did, options);
        var now = _time.GetUtcNow();
        if (_cache.TryGet(key, now, out var cached))
        {
            return cached;
        }

        var result = await method.ResolveAsync(did, options, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess && method.CacheLifetime(did, options) is var lifetime && lifetime > TimeSpan.Zero)
        {
            _cache.Add(key, result, lifetime == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : now + lifetime);
        }

        return result;
    }

    /// <summary>Describes a DID syntax error in one sentence.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The description.</returns>
    public static string DescribeSyntax(DidSyntaxError error) => error switch
    {
        DidSyntaxError.Empty => "the DID is empty",
        DidSyntaxError.TooLong => $"the DID is longer than {Did.MaxLength} characters",
        DidSyntaxError.NotADid => "a DID starts with 'did:'",
        DidSyntaxError.InvalidMethodName => "the method name must be lowercase letters and digits, followed by ':'",
        DidSyntaxError.InvalidMethodSpecificId => "the method-specific id must not be empty or end with ':'",
        DidSyntaxError.InvalidPercentEncoding => "'%' must be followed by two hexadecimal digits",
        DidSyntaxError.InvalidCharacter => "the DID contains a character DID syntax does not allow",
        _ => "the DID is valid",
    };
}
