using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.Credentials.Verification;

/// <summary>
/// Remembers Data Integrity proofs that verified, so that a credential presented again (a provider presents the same consent
/// with every access) is not verified again: a bounded map from a digest of (the exact document bytes with their proof, the
/// verification method's DID, its DID document version, the public key) to the hash of what the issuer signed.
/// </summary>
/// <remarks>
/// Why this is safe: an <c>eddsa-jcs-2022</c> verification (Data Integrity EdDSA Cryptosuites v1.0, §3.3) is a pure function
/// of the secured document and the public key: the same bytes under the same key verify the same way every time. The key is
/// the digest of exactly those inputs, each length-prefixed (so no two different inputs share an encoding), through SHA-256
/// (collision-resistant): a hit means the same document bytes, proof included, and the same key, which verified before. The
/// DID document version is part of the key, so a key rotation (a new version) is never answered from an entry made under the
/// old one. Only the signature check is remembered: resolving the verification method, its relationship, the issuer binding,
/// and everything after the proof (validity window, status, scope, purpose) are checked on every decision by the caller.
/// Only successes are stored, so a failure is always the verifier's own answer, and the map never holds more than
/// <see cref="Capacity"/> entries (an arbitrary one is evicted beyond it), whatever an attacker presents.
/// </remarks>
internal sealed class VerifiedProofCache
{
    /// <summary>The default number of remembered proofs.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<Digest, string> _verified = new();
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="VerifiedProofCache"/> class.</summary>
    /// <param name="capacity">The most proofs remembered.</param>
    public VerifiedProofCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>Gets the most proofs remembered.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of proofs remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The digest of one verification's inputs.</summary>
    public static Digest Of(JsonElement securedDocument, Did signer, string? signerVersion, PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(key);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, JsonMarshal.GetRawUtf8Value(securedDocument));
        Append(hash, Encoding.UTF8.GetBytes(signer.ToString()));
        // A missing version and an empty one must differ.
        Append(hash, signerVersion is null ? [0] : Encoding.UTF8.GetBytes("v" + signerVersion));
        Append(hash, [(byte)key.Type]);
        Append(hash, key.Bytes);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return new Digest(
            BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]), BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
    }

    /// <summary>Looks up a proof that verified.</summary>
    /// <returns><see langword="true"/> with the signed document's hash when these exact inputs verified before.</returns>
    public bool TryGet(Digest digest, out string documentHash) => _verified.TryGetValue(digest, out documentHash!);

    /// <summary>Remembers a proof that verified, evicting an arbitrary entry beyond <see cref="Capacity"/>.</summary>
    public void Add(Digest digest, string documentHash)
    {
        ArgumentNullException.ThrowIfNull(documentHash);
        if (!_verified.TryAdd(digest, documentHash))
        {
            return;
        }

        if (Interlocked.Increment(ref _count) <= Capacity)
        {
            return;
        }

        foreach (var entry in _verified)
        {
            if (_verified.TryRemove(entry.Key, out _))
            {
                Interlocked.Decrement(ref _count);
                return;
            }
        }
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> part)
    {
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
        hash.AppendData(length);
        hash.AppendData(part);
    }

    /// <summary>A SHA-256 digest as four words (a cheap, allocation-free dictionary key).</summary>
    internal readonly record struct Digest(ulong A, ulong B, ulong C, ulong D);
}
