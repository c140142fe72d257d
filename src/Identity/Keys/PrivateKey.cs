using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Identity.Internal;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Keys;

/// <summary>A private key. Its secret lives in a pinned buffer that is cleared on <see cref="Dispose"/>; it is never printed.</summary>
/// <remarks>
/// The exported secret is the 32-byte seed for Ed25519 (RFC 8032 §5.1.5), the 32-byte scalar for X25519, and the big-endian
/// scalar <c>d</c> for the elliptic curves. Signatures: EdDSA (RFC 8032), ECDSA with the curve's SHA-2 hash in <c>r ‖ s</c> form;
/// secp256k1 signs deterministically (RFC 6979) with a low <c>s</c> (ES256K, RFC 8812).
/// </remarks>
public sealed class PrivateKey : IDisposable
{
    // Ed25519: libsodium's 64-byte secret key (seed ‖ public key); others: the raw scalar.
    private readonly byte[] _secret;
    private readonly KeyTypeInfo _info;
    private bool _disposed;

    private PrivateKey(KeyTypeInfo info, byte[] pinnedSecret, PublicKey publicKey)
    {
        _info = info;
        _secret = pinnedSecret;
        PublicKey = publicKey;
    }

    /// <summary>Gets the key type.</summary>
    public KeyType Type => _info.Type;

    /// <summary>Gets the matching public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>Generates a new key from the system's cryptographic random source.</summary>
    /// <param name="type">The key type.</param>
    /// <returns>The new key; dispose it when done.</returns>
    public static PrivateKey Generate(KeyType type)
    {
        var info = KeyTypeInfo.Of(type);
        var secret = GC.AllocateArray<byte>(info.PrivateKeySize, pinned: true);
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(secret);
                if (TryImport(type, secret, out var key, out _))
                {
                    return key;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Imports a private key from its secret bytes (see the remarks for each type's form).</summary>
    /// <param name="type">The key type.</param>
    /// <param name="secret">The secret bytes.</param>
    /// <param name="key">The key when the secret is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the secret is valid; otherwise <see langword="false"/>.</returns>
    public static bool TryImport(KeyType type, ReadOnlySpan<byte> secret, [NotNullWhen(true)] out PrivateKey? key, out KeyError error)
    {
        key = null;
        var info = KeyTypeInfo.Of(type);
        if (secret.Length != info.PrivateKeySize)
        {
            error = KeyError.WrongKeyLength;
            return false;
        }

        switch (type)
        {
            case KeyType.Ed25519:
            {
                var expanded = GC.AllocateArray<byte>(Sodium.Ed25519SecretKeyBytes, pinned: true);
                var publicKey = new byte[Sodium.Ed25519PublicKeyBytes];
                Sodium.Ed25519SeedKeyPair(publicKey, expanded, secret);
                key = new PrivateKey(info, expanded, PublicKey.FromTrusted(info, publicKey));
                break;
            }

            case KeyType.X25519:
            {
                var publicKey = new byte[Sodium.X25519KeyBytes];
                Sodium.X25519PublicKey(publicKey, secret);
                key = new PrivateKey(info, Pinned(secret), PublicKey.FromTrusted(info, publicKey));
                break;
            }

            case KeyType.Secp256k1:
                if (!Secp256k1.IsValidPrivateKey(secret))
                {
                    error = KeyError.InvalidPrivateKey;
                    return false;
                }

                key = new PrivateKey(info, Pinned(secret), PublicKey.FromTrusted(info, Secp256k1.DerivePublicKey(secret)));
                break;

            default:
                var curve = PublicKey.CurveOf(type);
                ECParameters parameters;
                try
                {
                    using var ecdsa = ECDsa.Create(new ECParameters { Curve = curve.Curve, D = secret.ToArray() });
                    parameters = ecdsa.ExportParameters(includePrivateParameters: false);
                }
                catch (CryptographicException)
                {
                    error = KeyError.InvalidPrivateKey;
                    return false;
                }

                curve.TryCompress(parameters.Q.X, parameters.Q.Y, out var compressed);
                key = new PrivateKey(info, Pinned(secret), PublicKey.FromTrusted(info, compressed));
                break;
        }

        error = KeyError.None;
        return true;
    }

    /// <summary>Imports a private key from secret bytes known to be valid.</summary>
    /// <param name="type">The key type.</param>
    /// <param name="secret">The secret bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The secret is not valid for the type.</exception>
    public static PrivateKey Import(KeyType type, ReadOnlySpan<byte> secret) =>
        TryImport(type, secret, out var key, out var error) ? key : throw new ArgumentException(error.Describe(), nameof(secret));

    /// <summary>Parses a Multikey secret key (<c>secretKeyMultibase</c>): base58btc of the private multicodec header and the secret.</summary>
    /// <param name="multibase">The multibase text.</param>
    /// <param name="key">The key when the text is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the text is a valid Multikey secret key; otherwise <see langword="false"/>.</returns>
    public static bool TryImportMultikey(ReadOnlySpan<char> multibase, [NotNullWhen(true)] out PrivateKey? key, out KeyError error)
    {
        key = null;
        if (!Multibase.TryDecode(multibase, out var bytes, out var unsupported) || multibase[0] != Multibase.Base58BtcPrefix)
        {
            error = unsupported || (multibase.Length > 0 && multibase[0] != Multibase.Base58BtcPrefix) ? KeyError.UnsupportedMultibase : KeyError.MalformedMultibase;
            return false;
        }

        try
        {
            if (!Multicodec.TryReadHeader(bytes, out var codec, out var headerLength))
            {
                error = KeyError.MalformedMulticodec;
                return false;
            }

            if (KeyTypeInfo.ByPrivateCodec(codec) is not { } info)
            {
                error = KeyTypeInfo.ByPublicCodec(codec) is null ? KeyError.UnsupportedKeyType : KeyError.WrongKeyKind;
                return false;
            }

            return TryImport(info.Type, bytes.AsSpan(headerLength), out key, out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Returns the Multikey secret key text. Treat it as the secret itself.</summary>
    /// <returns>The <c>secretKeyMultibase</c> text.</returns>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public string ExportMultikey()
    {
        var secret = ExportSecret();
        var prefixed = Multicodec.Prefix(_info.PrivateCodec, secret);
        try
        {
            return Multibase.EncodeBase58Btc(prefixed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(prefixed);
        }
    }

    /// <summary>Returns a copy of the secret bytes; the caller clears it.</summary>
    /// <returns>The seed (Ed25519) or scalar (others).</returns>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public byte[] ExportSecret()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Type == KeyType.Ed25519 ? _secret[..Sodium.Ed25519SeedBytes] : _secret.ToArray();
    }

    /// <summary>Signs <paramref name="data"/> (see the remarks for the algorithm of each type).</summary>
    /// <param name="data">The bytes to sign.</param>
    /// <returns>The signature: 64 bytes for Ed25519 and secp256k1, <c>r ‖ s</c> of the curve's size otherwise.</returns>
    /// <exception cref="InvalidOperationException">The key is an X25519 key, which cannot sign.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (Type)
        {
            case KeyType.Ed25519:
                var signature = new byte[Sodium.Ed25519SignatureBytes];
                Sodium.Ed25519Sign(signature, data, _secret);
                return signature;
            case KeyType.Secp256k1:
                Span<byte> hash = stackalloc byte[32];
                SHA256.HashData(data, hash);
                return Secp256k1.Sign(hash, _secret);
            case KeyType.P256 or KeyType.P384 or KeyType.P521:
                var curve = PublicKey.CurveOf(Type);
                var (x, y) = PublicKey.ExportCoordinates();
                using (var ecdsa = ECDsa.Create(curve.Parameters(x, y, _secret)))
                {
                    return ecdsa.SignData(data, curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }

            default:
                throw new InvalidOperationException("X25519 keys agree on secrets; they do not sign.");
        }
    }

    /// <summary>Computes the X25519 shared secret with a peer's key (RFC 7748 §6.1).</summary>
    /// <param name="peer">The peer's X25519 public key.</param>
    /// <returns>The 32-byte shared secret; the caller clears it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="peer"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">This key or the peer's is not an X25519 key.</exception>
    /// <exception cref="CryptographicException">The peer's key is of small order (the secret would be all zeros).</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public byte[] AgreeWith(PublicKey peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Type != KeyType.X25519 || peer.Type != KeyType.X25519)
        {
            throw new InvalidOperationException("Key agreement needs two X25519 keys.");
        }

        var shared = new byte[Sodium.X25519KeyBytes];
        if (!Sodium.X25519(shared, _secret, peer.Bytes))
        {
            throw new CryptographicException("The peer's X25519 key is of small order.");
        }

        return shared;
    }

    /// <summary>Maps an Ed25519 private key to the X25519 key of the same secret (the one did:key lists under keyAgreement).</summary>
    /// <returns>The X25519 private key; dispose it when done.</returns>
    /// <exception cref="InvalidOperationException">The key is not an Ed25519 key.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public PrivateKey ToX25519()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Type != KeyType.Ed25519)
        {
            throw new InvalidOperationException("Only an Ed25519 key maps to an X25519 key.");
        }

        var scalar = GC.AllocateArray<byte>(Sodium.X25519KeyBytes, pinned: true);
        Sodium.Ed25519SecretKeyToX25519(scalar, _secret);
        var publicKey = new byte[Sodium.X25519KeyBytes];
        Sodium.X25519PublicKey(publicKey, scalar);
        return new PrivateKey(KeyTypeInfo.X25519, scalar, PublicKey.FromTrusted(KeyTypeInfo.X25519, publicKey));
    }

    /// <summary>Clears the secret.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_secret);
            _disposed = true;
        }
    }

    /// <summary>Describes the key by its type and public key only.</summary>
    /// <returns>A description without the secret.</returns>
    public override string ToString() => $"{Type} private key for {PublicKey}";

    private static byte[] Pinned(ReadOnlySpan<byte> secret)
    {
        var copy = GC.AllocateArray<byte>(secret.Length, pinned: true);
        secret.CopyTo(copy);
        return copy;
    }
}
