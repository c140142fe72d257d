using System.Globalization;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The <c>uint&lt;M&gt;</c> and <c>int&lt;M&gt;</c> types: unsigned or two's complement integers of M bits.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding" (left-padded, sign-extended words).</remarks>
public sealed class AbiIntegerType : AbiType
{
    /// <summary>Creates an integer type.</summary>
    /// <param name="bits">The width: 8 to 256 in steps of 8.</param>
    /// <param name="isSigned"><see langword="true"/> for <c>int&lt;M&gt;</c>; <see langword="false"/> for <c>uint&lt;M&gt;</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is not 8 to 256 in steps of 8.</exception>
    public AbiIntegerType(int bits, bool isSigned)
        : base(Canonical(bits, isSigned), isDynamic: false, WordSize, depth: 0)
    {
        Bits = bits;
        IsSigned = isSigned;
    }

    /// <summary>Gets <c>uint256</c>.</summary>
    public static AbiIntegerType UInt256 { get; } = new(256, isSigned: false);

    /// <summary>Gets the width in bits.</summary>
    public int Bits { get; }

    /// <summary>Gets a value indicating whether the type is signed (<c>int&lt;M&gt;</c>).</summary>
    public bool IsSigned { get; }

    internal static bool IsValidWidth(int bits) => bits is >= 8 and <= 256 && bits % 8 == 0;

    private static string Canonical(int bits, bool isSigned)
    {
        if (!IsValidWidth(bits))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), "An ABI integer is 8 to 256 bits wide, in steps of 8.");
        }

        return (isSigned ? "int" : "uint") + bits.ToString(CultureInfo.InvariantCulture);
    }
}
