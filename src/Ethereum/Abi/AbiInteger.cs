using System.Globalization;
using System.Numerics;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of <c>uint&lt;M&gt;</c> or <c>int&lt;M&gt;</c>.</summary>
/// <remarks>The range is checked against the type when encoding: 0 ≤ v &lt; 2^M unsigned, −2^(M−1) ≤ v &lt; 2^(M−1) signed.</remarks>
public sealed class AbiInteger : AbiValue
{
    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The integer.</param>
    public AbiInteger(BigInteger value) => Value = value;

    /// <summary>Gets the integer.</summary>
    public BigInteger Value { get; }

    /// <inheritdoc/>
    public override bool Equals(AbiValue? other) => other is AbiInteger integer && integer.Value == Value;

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Returns the integer in decimal.</summary>
    /// <returns>The decimal text.</returns>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the value fits the type's width and sign.</summary>
    internal bool Fits(AbiIntegerType type) => type.IsSigned
        ? Value >= -(BigInteger.One << (type.Bits - 1)) && Value < BigInteger.One << (type.Bits - 1)
        : Value.Sign >= 0 && Value < BigInteger.One << type.Bits;
}
