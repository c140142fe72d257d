using System.Numerics;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>Bounds shared by the transaction constructors (caller bugs) and the decoder (untrusted input).</summary>
internal static class TransactionRules
{
    /// <summary>2^256: fees, values, r and s are below it.</summary>
    public static readonly BigInteger UInt256Limit = BigInteger.One << 256;

    /// <summary>The order n of the secp256k1 group (SEC 2 §2.4.1).</summary>
    public static readonly BigInteger CurveOrder = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.AllowHexSpecifier,
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>n / 2: EIP-2 refuses an <c>s</c> above it.</summary>
    public static readonly BigInteger HalfCurveOrder = CurveOrder >> 1;

    public static bool IsUInt256(BigInteger value) => value.Sign >= 0 && value < UInt256Limit;

    /// <summary>Whether gas × price could not be paid in a 256-bit balance (geth's GASLIMIT_PRICE_PRODUCT_OVERFLOW).</summary>
    public static bool GasFeeProductOverflows(ulong gasLimit, BigInteger feePerGas) => gasLimit * feePerGas >= UInt256Limit;

    public static void ThrowIfNotUInt256(BigInteger value, string paramName)
    {
        if (!IsUInt256(value))
        {
            throw new ArgumentOutOfRangeException(paramName, "The value must be in [0, 2^256).");
        }
    }
}
