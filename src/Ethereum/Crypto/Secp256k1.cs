using RandomNumberGenerator = System.Security.Cryptography.RandomNumberGenerator;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace IdentityEhr.Ethereum.Crypto;

/// <summary>The secp256k1 curve: key derivation, point checks, and ECDSA over a 32-byte message hash.</summary>
/// <remarks>
/// SEC 2 §2.4.1 (curve), SEC 1 §2.3.3–2.3.4 (point encoding), RFC 6979 (deterministic nonces). Signatures are the 64-byte
/// <c>r ‖ s</c> form with <c>s</c> normalised to the lower half of the order, as Ethereum (EIP-2) and ES256K require.
/// </remarks>
public static class Secp256k1
{
    /// <summary>The size of a private key (the scalar <c>d</c>) in bytes.</summary>
    public const int PrivateKeySizeInBytes = 32;

    /// <summary>The size of a compressed public key (<c>02|03 ‖ x</c>) in bytes.</summary>
    public const int CompressedPublicKeySizeInBytes = 33;

    /// <summary>The size of an uncompressed public key (<c>04 ‖ x ‖ y</c>) in bytes.</summary>
    public const int UncompressedPublicKeySizeInBytes = 65;

    /// <summary>The size of a signature (<c>r ‖ s</c>) in bytes.</summary>
    public const int SignatureSizeInBytes = 64;

    /// <summary>The size of the message hash that is signed, in bytes.</summary>
    public const int HashSizeInBytes = 32;

    private static readonly X9ECParameters s_curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters s_domain = new(s_curve.Curve, s_curve.G, s_curve.N, s_curve.H);
    private static readonly BigInteger s_halfOrder = s_curve.N.ShiftRight(1);

    // Precomputed multiples of G: fixed-base multiplication several times faster than a generic one.
    private static readonly FixedPointCombMultiplier s_baseMultiplier = new();

    /// <summary>Checks that a private key is a scalar in <c>[1, n−1]</c>.</summary>
    /// <param name="privateKey">The 32-byte big-endian scalar.</param>
    /// <returns><see langword="true"/> when it is a valid private key; otherwise <see langword="false"/>.</returns>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeySizeInBytes)
        {
            return false;
        }

        var d = new BigInteger(1, privateKey.ToArray());
        return d.SignValue > 0 && d.CompareTo(s_curve.N) < 0;
    }

    /// <summary>Generates a private key from the system's cryptographic random source.</summary>
    /// <returns>A new 32-byte private key; the caller clears it when done.</returns>
    public static byte[] GeneratePrivateKey()
    {
        var key = new byte[PrivateKeySizeInBytes];
        do
        {
            RandomNumberGenerator.Fill(key);
        }
        while (!IsValidPrivateKey(key));

        return key;
    }

    /// <summary>Computes the compressed public key of a private key.</summary>
    /// <param name="privateKey">The 32-byte private key.</param>
    /// <returns>The 33-byte compressed public key.</returns>
    /// <exception cref="ArgumentException"><paramref name="privateKey"/> is not a valid private key.</exception>
    public static byte[] DerivePublicKey(ReadOnlySpan<byte> privateKey)
    {
        if (!IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("A secp256k1 private key is a 32-byte scalar in [1, n-1].", nameof(privateKey));
        }

        return s_baseMultiplier.Multiply(s_domain.G, new BigInteger(1, privateKey.ToArray())).Normalize().GetEncoded(true);
    }

    /// <summary>Checks and compresses a public key given compressed or uncompressed; the point must lie on the curve.</summary>
    /// <param name="publicKey">33 bytes (<c>02|03 ‖ x</c>) or 65 bytes (<c>04 ‖ x ‖ y</c>).</param>
    /// <param name="compressed">The 33-byte compressed form when the key is valid.</param>
    /// <returns><see langword="true"/> when the bytes encode a point on the curve (not infinity); otherwise <see langword="false"/>.</returns>
    public static bool TryCompress(ReadOnlySpan<byte> publicKey, out byte[] compressed)
    {
        compressed = [];
        if (TryDecode(publicKey) is not { } point)
        {
            return false;
        }

        compressed = point.GetEncoded(true);
        return true;
    }

    /// <summary>Checks and decompresses a public key; the point must lie on the curve.</summary>
    /// <param name="publicKey">33 bytes (<c>02|03 ‖ x</c>) or 65 bytes (<c>04 ‖ x ‖ y</c>).</param>
    /// <param name="uncompressed">The 65-byte uncompressed form when the key is valid.</param>
    /// <returns><see langword="true"/> when the bytes encode a point on the curve; otherwise <see langword="false"/>.</returns>
    public static bool TryDecompress(ReadOnlySpan<byte> publicKey, out byte[] uncompressed)
    {
        uncompressed = [];
        if (TryDecode(publicKey) is not { } point)
        {
            return false;
        }

        uncompressed = point.GetEncoded(false);
        return true;
    }

    /// <summary>Signs a 32-byte hash with a deterministic nonce (RFC 6979) and a low <c>s</c>.</summary>
    /// <param name="hash">The 32-byte message hash.</param>
    /// <param name="privateKey">The 32-byte private key.</param>
    /// <returns>The 64-byte signature <c>r ‖ s</c>.</returns>
    /// <exception cref="ArgumentException">The hash is not 32 bytes or the private key is invalid.</exception>
    public static byte[] Sign(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey) => SignCore(hash, privateKey)[..SignatureSizeInBytes];

    /// <summary>Signs a 32-byte hash (RFC 6979, low <c>s</c>) and appends the recovery id, as Ethereum signatures carry it.</summary>
    /// <param name="hash">The 32-byte message hash.</param>
    /// <param name="privateKey">The 32-byte private key.</param>
    /// <returns>65 bytes: <c>r ‖ s ‖ yParity</c> with yParity 0 or 1 (add 27 for <c>v</c> in personal signatures).</returns>
    /// <exception cref="ArgumentException">The hash is not 32 bytes or the private key is invalid.</exception>
    public static byte[] SignRecoverable(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey) => SignCore(hash, privateKey);

    /// <summary>
    /// ECDSA with RFC 6979 §3.2 nonces (HMAC-SHA256), computing R itself so that the recovery id is R's y parity: one fixed-base
    /// multiplication per signature instead of signing and then trying recoveries. SEC 1 §4.1.3; EIP-2 low s (flipping s flips the parity).
    /// </summary>
    private static byte[] SignCore(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey)
    {
        if (hash.Length != HashSizeInBytes)
        {
            throw new ArgumentException("secp256k1 signs a 32-byte hash.", nameof(hash));
        }

        if (!IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("A secp256k1 private key is a 32-byte scalar in [1, n-1].", nameof(privateKey));
        }

        var n = s_curve.N;
        var d = new BigInteger(1, privateKey.ToArray());
        var message = hash.ToArray();
        var e = new BigInteger(1, message);
        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(n, d, message);
        while (true)
        {
            var k = nonces.NextK();
            var point = s_baseMultiplier.Multiply(s_domain.G, k).Normalize();
            var x = point.AffineXCoord.ToBigInteger();
            var r = x.Mod(n);

            // x ≥ n would need recovery id 2 or 3, which Ethereum's yParity cannot carry (probability ≈ 2⁻¹²⁸): take the next nonce.
            if (r.SignValue == 0 || x.CompareTo(n) >= 0)
            {
                continue;
            }

            var s = k.ModInverse(n).Multiply(e.Add(d.Multiply(r))).Mod(n);
            if (s.SignValue == 0)
            {
                continue;
            }

            var parity = point.AffineYCoord.TestBitZero() ? 1 : 0;
            if (s.CompareTo(s_halfOrder) > 0)
            {
                s = n.Subtract(s);
                parity ^= 1;
            }

            var signature = new byte[RecoverableSignatureSizeInBytes];
            WriteScalar(r, signature.AsSpan(0, 32));
            WriteScalar(s, signature.AsSpan(32, 32));
            signature[64] = (byte)parity;
            return signature;
        }
    }

    /// <summary>Recovers the public key that made a signature (SEC 1 §4.1.6; Ethereum's <c>ecrecover</c>).</summary>
    /// <param name="hash">The 32-byte message hash.</param>
    /// <param name="signature">64 bytes <c>r ‖ s</c>; a high <c>s</c> is refused (EIP-2).</param>
    /// <param name="recoveryId">The y parity of R: 0 or 1.</param>
    /// <param name="publicKey">The 65-byte uncompressed public key when recovery succeeds.</param>
    /// <returns><see langword="true"/> when a public key was recovered; otherwise <see langword="false"/>.</returns>
    public static bool TryRecover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, int recoveryId, out byte[] publicKey)
    {
        publicKey = [];
        if (hash.Length != HashSizeInBytes || signature.Length != SignatureSizeInBytes || recoveryId is not (0 or 1))
        {
            return false;
        }

        var r = new BigInteger(1, signature[..32].ToArray());
        var s = new BigInteger(1, signature[32..].ToArray());
        if (r.SignValue == 0 || s.SignValue == 0 || r.CompareTo(s_curve.N) >= 0 || s.CompareTo(s_halfOrder) > 0)
        {
            return false;
        }

        // R = (r, y) with y's parity = recoveryId. (x = r + n is possible only when r < p − n, about 2⁻¹²⁸ of cases; not supported,
        // as Ethereum's yParity has room for 0/1 only.)
        var encoded = new byte[CompressedPublicKeySizeInBytes];
        encoded[0] = (byte)(0x02 + recoveryId);
        WriteScalar(r, encoded.AsSpan(1));
        if (TryDecode(encoded) is not { } rPoint)
        {
            return false;
        }

        var e = new BigInteger(1, hash.ToArray());
        var rInverse = r.ModInverse(s_curve.N);

        // Q = r⁻¹ (s·R − e·G)
        var q = ECAlgorithms.SumOfTwoMultiplies(
            s_domain.G, s_curve.N.Subtract(e).Multiply(rInverse).Mod(s_curve.N),
            rPoint, s.Multiply(rInverse).Mod(s_curve.N)).Normalize();
        if (q.IsInfinity)
        {
            return false;
        }

        publicKey = q.GetEncoded(false);
        return true;
    }

    /// <summary>The size of a recoverable signature <c>r ‖ s ‖ yParity</c> in bytes.</summary>
    public const int RecoverableSignatureSizeInBytes = 65;

    /// <summary>Verifies a signature <c>r ‖ s</c> over a 32-byte hash; a high <c>s</c> is refused (no malleable twins).</summary>
    /// <param name="hash">The 32-byte message hash.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <param name="publicKey">The public key, compressed or uncompressed.</param>
    /// <returns><see langword="true"/> when the signature is valid; otherwise <see langword="false"/>.</returns>
    public static bool Verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKey)
    {
        if (hash.Length != HashSizeInBytes || signature.Length != SignatureSizeInBytes || TryDecode(publicKey) is not { } point)
        {
            return false;
        }

        var r = new BigInteger(1, signature[..32].ToArray());
        var s = new BigInteger(1, signature[32..].ToArray());
        if (r.SignValue == 0 || s.SignValue == 0 || r.CompareTo(s_curve.N) >= 0 || s.CompareTo(s_halfOrder) > 0)
        {
            return false;
        }

        var verifier = new ECDsaSigner();
        verifier.Init(false, new ECPublicKeyParameters(point, s_domain));
        return verifier.VerifySignature(hash.ToArray(), r, s);
    }

    private static ECPoint? TryDecode(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length is not (CompressedPublicKeySizeInBytes or UncompressedPublicKeySizeInBytes))
        {
            return null;
        }

        var prefix = publicKey[0];
        if ((publicKey.Length == CompressedPublicKeySizeInBytes && prefix is not (0x02 or 0x03))
            || (publicKey.Length == UncompressedPublicKeySizeInBytes && prefix != 0x04))
        {
            return null;
        }

        try
        {
            // DecodePoint checks the coordinates are field elements and the point is on the curve.
            var point = s_curve.Curve.DecodePoint(publicKey.ToArray());
            return point.IsInfinity || !point.IsValid() ? null : point.Normalize();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static void WriteScalar(BigInteger value, Span<byte> destination)
    {
        var bytes = value.ToByteArrayUnsigned();
        destination.Clear();
        bytes.CopyTo(destination[(destination.Length - bytes.Length)..]);
    }
}
