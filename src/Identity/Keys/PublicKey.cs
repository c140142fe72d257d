using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Identity.Internal;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Keys;

/// <summary>A validated public key: Ed25519, X25519, secp256k1 or a NIST curve.</summary>
/// <remarks>
/// The canonical bytes are the raw 32 bytes for Ed25519 and X25519 and the SEC 1 compressed point for the elliptic curves, as
/// Multikey (Controlled Identifiers §2.2.2) and did:key encode them. Every instance has passed the checks of its type, so an
/// Ed25519 key is a canonical point of the main subgroup and an EC key lies on its curve.
/// </remarks>
public sealed class PublicKey : IEquatable<PublicKey>
{
    private readonly byte[] _bytes;
    private readonly KeyTypeInfo _info;
    private byte[]? _x;
    private byte[]? _y;

    private PublicKey(KeyTypeInfo info, byte[] bytes)
    {
        _info = info;
        _bytes = bytes;
    }

    /// <summary>Gets the key type.</summary>
    public KeyType Type => _info.Type;

    /// <summary>Gets the canonical bytes: raw for Ed25519/X25519, compressed for elliptic curves.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Gets the JOSE algorithm this key signs with (<c>EdDSA</c>, <c>ES256K</c>, <c>ES256</c>...), or <see langword="null"/> for X25519.</summary>
    public string? JwsAlgorithm => _info.JwsAlgorithm;

    internal KeyTypeInfo Info => _info;

    /// <summary>Checks and imports a public key from its bytes; EC keys may be given compressed or uncompressed.</summary>
    /// <param name="type">The key type.</param>
    /// <param name="bytes">The key bytes.</param>
    /// <param name="key">The key when it is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the key is valid; otherwise <see langword="false"/>.</returns>
    public static bool TryImport(KeyType type, ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out PublicKey? key, out KeyError error)
    {
        key = null;
        var info = KeyTypeInfo.Of(type);
        error = Validate(info, bytes, out var canonical);
        if (error != KeyError.None)
        {
            return false;
        }

        key = new PublicKey(info, canonical);
        return true;
    }

    /// <summary>Imports a public key that is known to be valid (for example, one derived from a private key).</summary>
    /// <param name="type">The key type.</param>
    /// <param name="bytes">The key bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The bytes are not a valid key of that type.</exception>
    public static PublicKey Import(KeyType type, ReadOnlySpan<byte> bytes) =>
        TryImport(type, bytes, out var key, out var error) ? key : throw new ArgumentException(error.Describe(), nameof(bytes));

    /// <summary>Parses a Multikey public key: multibase base58btc of the multicodec header and the key bytes.</summary>
    /// <param name="multibase">For example <c>z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp</c>.</param>
    /// <param name="key">The key when the text is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the text is a valid Multikey public key; otherwise <see langword="false"/>.</returns>
    public static bool TryImportMultikey(ReadOnlySpan<char> multibase, [NotNullWhen(true)] out PublicKey? key, out KeyError error)
    {
        key = null;
        return Multikey.TryParsePublic(multibase, out var type, out var bytes, out error) && TryImport(type, bytes, out key, out error);
    }

    /// <summary>
    /// Checks an Ed25519 key and derives its X25519 form in one libsodium call (<c>crypto_sign_ed25519_pk_to_curve25519</c> checks
    /// the point is on the curve, not of small order and in the main subgroup), so did:key resolution pays for one check, not two.
    /// </summary>
    internal static bool TryImportEd25519WithX25519(byte[] canonical, [NotNullWhen(true)] out PublicKey? ed25519, [NotNullWhen(true)] out PublicKey? x25519)
    {
        ed25519 = null;
        x25519 = null;
        var x = new byte[Sodium.X25519KeyBytes];
        if (canonical.Length != Sodium.Ed25519PublicKeyBytes || !Multikey.IsCanonical(KeyTypeInfo.Ed25519, canonical) || !Sodium.Ed25519PublicKeyToX25519(x, canonical))
        {
            return false;
        }

        ed25519 = new PublicKey(KeyTypeInfo.Ed25519, canonical);
        x25519 = new PublicKey(KeyTypeInfo.X25519, x);
        return true;
    }

    /// <summary>Returns the Multikey text: <c>z</c> + base58btc(multicodec header ‖ canonical bytes).</summary>
    /// <returns>The Multikey public key.</returns>
    public string ExportMultikey() => Multibase.EncodeBase58Btc(Multicodec.Prefix(_info.PublicCodec, _bytes));

    /// <summary>Returns the affine coordinates of an elliptic-curve key, each of the curve's coordinate size.</summary>
    /// <returns>The x and y coordinates.</returns>
    /// <exception cref="InvalidOperationException">The key is Ed25519 or X25519.</exception>
    public (byte[] X, byte[] Y) ExportCoordinates()
    {
        if (!_info.IsEllipticCurve)
        {
            throw new InvalidOperationException($"{Type} keys have no affine (x, y) form.");
        }

        if (_x is null || _y is null)
        {
            Decompress(_info, _bytes, out var x, out var y);
            (_x, _y) = (x, y);
        }

        return (_x.ToArray(), _y.ToArray());
    }

    /// <summary>Verifies a signature over <paramref name="data"/>: EdDSA, or ECDSA with the curve's SHA-2 hash and <c>r ‖ s</c>.</summary>
    /// <remarks>secp256k1 follows ES256K (RFC 8812): SHA-256, low <c>s</c> only.</remarks>
    /// <param name="data">The signed bytes.</param>
    /// <param name="signature">The signature.</param>
    /// <returns><see langword="true"/> when the signature is valid; otherwise <see langword="false"/>.</returns>
    /// <exception cref="InvalidOperationException">The key is an X25519 key, which cannot verify.</exception>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        switch (Type)
        {
            case KeyType.Ed25519:
                return Sodium.Ed25519Verify(signature, data, _bytes);
            case KeyType.Secp256k1:
                Span<byte> hash = stackalloc byte[32];
                SHA256.HashData(data, hash);
                return Secp256k1.Verify(hash, signature, _bytes);
            case KeyType.P256 or KeyType.P384 or KeyType.P521:
                var curve = CurveOf(Type);
                if (signature.Length != 2 * curve.CoordinateSize)
                {
                    return false;
                }

                var (x, y) = ExportCoordinates();
                using (var ecdsa = ECDsa.Create(curve.Parameters(x, y)))
                {
                    return ecdsa.VerifyData(data, signature, curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }

            default:
                throw new InvalidOperationException("X25519 keys agree on secrets; they do not verify signatures.");
        }
    }

    /// <summary>Maps an Ed25519 public key to the X25519 key of the same secret, as did:key derives its key-agreement key.</summary>
    /// <returns>The X25519 public key.</returns>
    /// <exception cref="InvalidOperationException">The key is not an Ed25519 key.</exception>
    public PublicKey ToX25519()
    {
        if (Type != KeyType.Ed25519)
        {
            throw new InvalidOperationException("Only an Ed25519 key maps to an X25519 key.");
        }

        var x25519 = new byte[Sodium.X25519KeyBytes];
        if (!Sodium.Ed25519PublicKeyToX25519(x25519, _bytes))
        {
            throw new CryptographicException("The Ed25519 key has no X25519 form.");
        }

        return new PublicKey(KeyTypeInfo.X25519, x25519);
    }

    /// <inheritdoc/>
    public bool Equals(PublicKey? other) => other is not null && Type == other.Type && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Returns the Multikey text.</summary>
    /// <returns>The Multikey public key.</returns>
    public override string ToString() => ExportMultikey();

    internal static PublicKey FromTrusted(KeyTypeInfo info, byte[] canonical) => new(info, canonical);

    internal static NistCurve CurveOf(KeyType type) => type switch
    {
        KeyType.P256 => NistCurve.P256,
        KeyType.P384 => NistCurve.P384,
        KeyType.P521 => NistCurve.P521,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a NIST curve."),
    };

    private static KeyError Validate(KeyTypeInfo info, ReadOnlySpan<byte> bytes, out byte[] canonical)
    {
        canonical = [];
        switch (info.Type)
        {
            case KeyType.Ed25519:
                if (bytes.Length != info.PublicKeySize)
                {
                    return KeyError.WrongKeyLength;
                }

                if (!Sodium.Ed25519IsValidPoint(bytes))
                {
                    return KeyError.InvalidPoint;
                }

                canonical = bytes.ToArray();
                return KeyError.None;

            case KeyType.X25519:
                // Every 32-byte string is a u-coordinate; small-order peers are caught when agreeing on a secret.
                if (bytes.Length != info.PublicKeySize)
                {
                    return KeyError.WrongKeyLength;
                }

                canonical = bytes.ToArray();
                return KeyError.None;

            case KeyType.Secp256k1:
                if (bytes.Length is not (Secp256k1.CompressedPublicKeySizeInBytes or Secp256k1.UncompressedPublicKeySizeInBytes))
                {
                    return KeyError.WrongKeyLength;
                }

                return Secp256k1.TryCompress(bytes, out canonical) ? KeyError.None : KeyError.InvalidPoint;

            default:
                var curve = CurveOf(info.Type);
                if (bytes.Length == curve.CompressedSize)
                {
                    if (!curve.TryDecompress(bytes, out _, out _))
                    {
                        return KeyError.InvalidPoint;
                    }

                    canonical = bytes.ToArray();
                    return KeyError.None;
                }

                if (bytes.Length == (2 * curve.CoordinateSize) + 1)
                {
                    return bytes[0] == 0x04 && curve.TryCompress(bytes.Slice(1, curve.CoordinateSize), bytes[(1 + curve.CoordinateSize)..], out canonical)
                        ? KeyError.None
                        : KeyError.InvalidPoint;
                }

                return KeyError.WrongKeyLength;
        }
    }

    private static void Decompress(KeyTypeInfo info, byte[] compressed, out byte[] x, out byte[] y)
    {
        if (info.Type == KeyType.Secp256k1)
        {
            Secp256k1.TryDecompress(compressed, out var uncompressed);
            x = uncompressed[1..33];
            y = uncompressed[33..];
            return;
        }

        CurveOf(info.Type).TryDecompress(compressed, out x, out y);
    }
}
