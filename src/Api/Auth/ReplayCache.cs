using System.Collections.Concurrent;
using IdentityEhr.Credentials.Jose;

namespace IdentityEhr.Api.Auth;

/// <summary>
/// The request proof ids (<c>jti</c>) seen while they could still be accepted: a proof is accepted until
/// <see cref="RequestProof.MaxSkew"/> after its <c>iat</c>, so an id is kept until then (and a second longer). Kept in memory
/// per instance; the size is bounded, and when full the service refuses new proofs rather than forget a live one. Expired ids
/// are pruned at most once a second, so a full cache does not turn every request into a scan.
/// </summary>
internal sealed class ReplayCache(TimeProvider time)
{
    /// <summary>The most ids held; at 2,000 requests/s over a window of up to two minutes (a proof may come early) that is 240,000.</summary>
    public const int Capacity = 1_000_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private int _count;
    private long _nextPrune;

    /// <summary>Gets a value saying whether the cache is full of live ids (the service is then overloaded, not attacked by replay).</summary>
    public bool IsFull => Volatile.Read(ref _count) >= Capacity;

    /// <summary>Records a proof id once.</summary>
    /// <param name="id">The <c>jti</c>.</param>
    /// <param name="issuedAt">The proof's <c>iat</c>.</param>
    /// <returns><see langword="true"/> the first time; <see langword="false"/> for a replay, or when the cache is full.</returns>
    public bool TryUse(string id, DateTimeOffset issuedAt)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks >= Volatile.Read(ref _nextPrune))
        {
            Prune(now);
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        if (_seen.TryAdd(id, issuedAt + RequestProof.MaxSkew + TimeSpan.FromSeconds(1)))
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    private void Prune(DateTimeOffset now)
    {
        if (!_pruning.TryEnter())
        {
            return;
        }

        try
        {
            Volatile.Write(ref _nextPrune, now.AddSeconds(1).UtcTicks);
            foreach (var (id, expires) in _seen)
            {
                if (expires < now && _seen.TryRemove(id, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            _pruning.Exit();
        }
    }
}
