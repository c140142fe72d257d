using System.Numerics;
using System.Security.Cryptography;

namespace IdentityEhr.Identity.Internal;

/// <summary>
/// The NIST prime curves P-256, P-384 and P-521 (FIPS 186-4 D.1.2): point compression and decompression (SEC 1 §2.3.3–2.3.4)
/// and on-curve checks, which .NET's ECDsa does not offer for compressed points. Signing and verifying go through .NET.
/// </summary>
internal sealed class NistCurve
{
    public static readonly NistCurve P256 = new(
        ECCurve.NamedCurves.nistP256, 32, HashAlgorithmName.SHA256,
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    public static readonly NistCurve P384 = new(
        ECCurve.NamedCurves.nistP384, 48, HashAlgorithmName.SHA384,
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef");

    public static readonly NistCurve P521 = new(
        ECCurve.NamedCurves.nistP521, 66, HashAlgorithmName.SHA512,
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00");

    private readonly BigInteger _p;
    private readonly BigInteger _b;
    private readonly BigInteger _sqrtExponent;

    private NistCurve(ECCurve curve, int coordinateSize, HashAlgorithmName hash, string p, string b)
    {
        Curve = curve;
        CoordinateSize = coordinateSize;
        Hash = hash;
        _p = BigInteger.Parse("0" + p, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        _b = BigInteger.Parse("0" + b, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

        // All three primes are 3 mod 4, so a square root is a single exponentiation by (p+1)/4.
        _sqrtExponent = (_p + 1) / 4;
    }

    public ECCurve Curve { get; }

    public int CoordinateSize { get; }

    public HashAlgorithmName Hash { get; }

    public int CompressedSize => CoordinateSize + 1;

    /// <summary>Decompresses <c>02|03 ‖ x</c> into (x, y); false when x is not a field element or no point has that x.</summary>
    public bool TryDecompress(ReadOnlySpan<byte> compressed, out byte[] x, out byte[] y)
    {
        x = [];
        y = [];
        if (compressed.Length != CompressedSize || compressed[0] is not (0x02 or 0x03))
        {
            return false;
        }

        var xValue = new BigInteger(compressed[1..], isUnsigned: true, isBigEndian: true);
        if (xValue >= _p)
        {
            return false;
        }

        // y² = x³ − 3x + b
        var rhs = Mod((BigInteger.ModPow(xValue, 3, _p) - (3 * xValue)) + _b);
        var yValue = BigInteger.ModPow(rhs, _sqrtExponent, _p);
        if (BigInteger.ModPow(yValue, 2, _p) != rhs)
        {
            return false;
        }

        if (yValue.IsEven != (compressed[0] == 0x02))
        {
            yValue = _p - yValue;
        }

        x = compressed[1..].ToArray();
        y = ToFixed(yValue);
        return true;
    }

    /// <summary>Checks (x, y) is on the curve and compresses it.</summary>
    public bool TryCompress(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, out byte[] compressed)
    {
        compressed = [];
        if (x.Length != CoordinateSize || y.Length != CoordinateSize)
        {
            return false;
        }

        var xValue = new BigInteger(x, isUnsigned: true, isBigEndian: true);
        var yValue = new BigInteger(y, isUnsigned: true, isBigEndian: true);
        if (xValue >= _p || yValue >= _p
            || BigInteger.ModPow(yValue, 2, _p) != Mod((BigInteger.ModPow(xValue, 3, _p) - (3 * xValue)) + _b))
        {
            return false;
        }

        compressed = new byte[CompressedSize];
        compressed[0] = yValue.IsEven ? (byte)0x02 : (byte)0x03;
        x.CopyTo(compressed.AsSpan(1));
        return true;
    }

    public ECParameters Parameters(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, ReadOnlySpan<byte> d = default) => new()
    {
        Curve = Curve,
        Q = new ECPoint { X = x.ToArray(), Y = y.ToArray() },
        D = d.IsEmpty ? null : d.ToArray(),
    };

    private BigInteger Mod(BigInteger value)
    {
        var r = value % _p;
        return r.Sign < 0 ? r + _p : r;
    }

    private byte[] ToFixed(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length == CoordinateSize)
        {
            return bytes;
        }

        var padded = new byte[CoordinateSize];
        bytes.CopyTo(padded, CoordinateSize - bytes.Length);
        return padded;
    }
}
