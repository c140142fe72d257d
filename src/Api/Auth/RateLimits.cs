using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Auth;

/// <summary>
/// Rate limits (issue 9): per caller DID once a request proof (or a presentation) has authenticated it, and per client address
/// for what comes before authentication (challenges, presentations, and the checking of request proofs), so that one party cannot starve the others or fill the
/// service's memory. Token buckets, in memory per instance; idle buckets are dropped. <c>EHR_RATE_LIMIT_PER_DID</c> and
/// <c>EHR_RATE_LIMIT_PER_IP</c> set requests per second (bursts of twice that); 0 turns one off.
/// </summary>
internal sealed class RateLimits : IDisposable
{
    public const string PerDidVariable = "EHR_RATE_LIMIT_PER_DID";
    public const string PerIpVariable = "EHR_RATE_LIMIT_PER_IP";
    public const int DefaultPerDid = 200;
    public const int DefaultPerIp = 1000;

    private readonly PartitionedRateLimiter<string>? _perDid;
    private readonly PartitionedRateLimiter<IPAddress>? _perIp;

    public RateLimits(int perDid, int perIp)
    {
        PerDid = perDid;
        PerIp = perIp;
        _perDid = perDid > 0 ? PartitionedRateLimiter.Create<string, string>(did => Bucket(did, perDid)) : null;
        _perIp = perIp > 0 ? PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => Bucket(ip, perIp)) : null;
    }

    /// <summary>Gets the requests per second allowed per DID (0: no limit).</summary>
    public int PerDid { get; }

    /// <summary>Gets the requests per second allowed per client address before authentication (0: no limit).</summary>
    public int PerIp { get; }

    /// <summary>The defaults, for hosts built without settings (tests).</summary>
    public static RateLimits Default() => new(DefaultPerDid, DefaultPerIp);

    public static RateLimits Read(Func<string, string?> get) => new(Rate(get(PerDidVariable), PerDidVariable, DefaultPerDid), Rate(get(PerIpVariable), PerIpVariable, DefaultPerIp));

    /// <summary>Takes one request of an authenticated caller; the problem to answer with when it is over its rate.</summary>
    public ProblemHttpResult? TakeForDid(HttpContext http, string did)
    {
        if (_perDid is null)
        {
            return null;
        }

        using var lease = _perDid.AttemptAcquire(did);
        return lease.IsAcquired ? null : TooMany(http, $"more than {PerDid} requests per second from {(did.Length <= 80 ? did : did[..80] + "…")}");
    }

    /// <summary>Takes one unauthenticated request of a client address.</summary>
    public ProblemHttpResult? TakeForAddress(HttpContext http)
    {
        if (_perIp is null)
        {
            return null;
        }

        using var lease = _perIp.AttemptAcquire(Client(http.Connection.RemoteIpAddress));
        return lease.IsAcquired ? null : TooMany(http, $"more than {PerIp} requests per second from this address before authentication");
    }

    /// <summary>The bucket of an address: IPv4 as it is, IPv6 by its /64 (one subscriber's network hands out many addresses).</summary>
    private static IPAddress Client(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    public void Dispose()
    {
        _perDid?.Dispose();
        _perIp?.Dispose();
    }

    private static ProblemHttpResult TooMany(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = "1";
        return ApiProblems.Of(RequestAuthenticator.ProblemBase, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests", detail + "; retry after a second");
    }

    private static RateLimitPartition<TKey> Bucket<TKey>(TKey key, int perSecond) where TKey : notnull =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            // Refilled ten times a second, so a burst of twice the rate drains and refills smoothly.
            TokenLimit = perSecond * 2,
            TokensPerPeriod = Math.Max(1, perSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,

            // The partitioned limiter replenishes its buckets on its own heartbeat; a timer per bucket would not scale.
            AutoReplenishment = false,
        });

    private static int Rate(string? text, string name, int fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1_000_000
            ? rate
            : throw new FormatException($"{name} must be a whole number of requests per second from 0 (no limit) to 1000000");
    }
}
