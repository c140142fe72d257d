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
/// Single-use, expiring challenges (nonces) for presentation proofs. A challenge carries its own expiry and a MAC under a key
/// this registry makes at start (<c>expiry ‖ 16 random bytes ‖ HMAC-SHA-256 truncated to 16 bytes</c>, base64url), so issuing
/// one stores nothing: memory holds only the challenges that were <b>used</b>, until they expire — and using one takes a
/// presentation signed by an authenticated holder. A flood of challenge requests therefore costs no memory. A replay within the
/// lifetime is reported as such; after expiry a challenge is expired, refused alike.
/// </summary>
public sealed class ChallengeRegistry
{
    private const int ExpiryLength = 8;
    private const int NonceLength = 16;
    private const int MacLength = 16;
    private const int Length = ExpiryLength + NonceLength + MacLength;

    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
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

    /// <summary>Gets how many used challenges are remembered (until they expire).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Issues a fresh challenge: its expiry, 128 random bits and a MAC over both, base64url.</summary>
    /// <returns>The challenge.</returns>
    public string Issue()
    {
        Span<byte> challenge = stackalloc byte[Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(challenge, (_timeProvider.GetUtcNow() + _lifetime).UtcTicks);
        RandomNumberGenerator.Fill(challenge.Slice(ExpiryLength, NonceLength));
        Mac(challenge[..(ExpiryLength + NonceLength)], challenge[(ExpiryLength + NonceLength)..]);
        return Base64UrlText.Encode(challenge);
    }

    /// <summary>Uses a challenge, at most once.</summary>
    /// <param name="challenge">The challenge from the proof.</param>
    /// <returns>The outcome.</returns>
    public ChallengeOutcome Consume(string? challenge)
    {
        // Only this registry's own challenges are looked at further: the MAC is checked before anything is stored.
        if (challenge is not { Length: ((Length * 4) + 2) / 3 } || !Base64UrlText.TryDecode(challenge, out var bytes) || bytes.Length != Length)
        {
            return ChallengeOutcome.Unknown;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes.AsSpan(0, ExpiryLength + NonceLength), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(ExpiryLength + NonceLength)))
        {
            return ChallengeOutcome.Unknown;
        }

        var expires = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes);
        var now = _timeProvider.GetUtcNow().UtcTicks;
        if (now > expires)
        {
            return ChallengeOutcome.Expired;
        }

        Prune(now);
        if (!_used.TryAdd(challenge, expires))
        {
            return ChallengeOutcome.Replayed;
        }

        Interlocked.Increment(ref _count);
        return ChallengeOutcome.Accepted;
    }

    private void Mac(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, data, full);
        full[..MacLength].CopyTo(mac);
    }

    private void Prune(long now)
    {
        // A full scan at most once per quarter lifetime, not on every use: with many used challenges a scan per use would be
        // quadratic. An expired one is refused as expired before this set is looked at, so forgetting it changes no answer.
        var next = Interlocked.Read(ref _nextPruneTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextPruneTicks, now + (_lifetime / 4).Ticks, next) != next)
        {
            return;
        }

        foreach (var (challenge, expires) in _used)
        {
            if (expires < now && _used.TryRemove(challenge, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
