using System.Collections.Concurrent;
using System.Security.Cryptography;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.Verification;

/// <summary>What happened when a challenge was presented.</summary>
public enum ChallengeOutcome
{
    /// <summary>The challenge was issued, unexpired and unused; it is now used.</summary>
    Accepted,

    /// <summary>This registry never issued it (or forgot it long after expiry).</summary>
    Unknown,

    /// <summary>It was already used.</summary>
    Replayed,

    /// <summary>It expired before it was used.</summary>
    Expired,
}

/// <summary>
/// Single-use, expiring challenges (nonces) for presentation proofs, in memory. A challenge is remembered until it expires (and
/// up to a quarter lifetime longer, between prunes), so a replay within its lifetime is reported as such; after that it is
/// unknown, which is refused just the same.
/// </summary>
public sealed class ChallengeRegistry
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;
    private long _nextPruneTicks;
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="ChallengeRegistry"/> class.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="lifetime">How long a challenge may be used after it is issued.</param>
    public ChallengeRegistry(TimeProvider timeProvider, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        _timeProvider = timeProvider;
        _lifetime = lifetime;
    }

    /// <summary>Gets how many challenges are remembered (issued and not yet pruned); the host refuses new ones above a bound.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Issues a fresh challenge: 128 random bits, base64url.</summary>
    /// <returns>The challenge.</returns>
    public string Issue()
    {
        Prune();
        var challenge = Base64UrlText.Encode(RandomNumberGenerator.GetBytes(16));
        if (_entries.TryAdd(challenge, new Entry(_timeProvider.GetUtcNow() + _lifetime, Used: false)))
        {
            Interlocked.Increment(ref _count);
        }

        return challenge;
    }

    /// <summary>Uses a challenge, at most once.</summary>
    /// <param name="challenge">The challenge from the proof.</param>
    /// <returns>The outcome.</returns>
    public ChallengeOutcome Consume(string? challenge)
    {
        if (challenge is null || !_entries.TryGetValue(challenge, out var entry))
        {
            return ChallengeOutcome.Unknown;
        }

        if (entry.Used)
        {
            return ChallengeOutcome.Replayed;
        }

        if (_timeProvider.GetUtcNow() > entry.Expires)
        {
            return ChallengeOutcome.Expired;
        }

        // Only one caller can swap the unused entry for the used one.
        return _entries.TryUpdate(challenge, entry with { Used = true }, entry) ? ChallengeOutcome.Accepted : ChallengeOutcome.Replayed;
    }

    private void Prune()
    {
        // A full scan at most once per quarter lifetime, not on every issue: with many challenges outstanding a scan per
        // issue would make issuing quadratic.
        var now = _timeProvider.GetUtcNow();
        var next = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextPruneTicks, (now + (_lifetime / 4)).UtcTicks, next) != next)
        {
            return;
        }

        foreach (var (challenge, entry) in _entries)
        {
            if (entry.Expires < now && _entries.TryRemove(challenge, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private sealed record Entry(DateTimeOffset Expires, bool Used);
}
