using System.Globalization;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The <c>bytes&lt;M&gt;</c> types: exactly M bytes (1 to 32), right-padded to a word.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding".</remarks>
public sealed class AbiFixedBytesType : AbiType
{
    /// <summary>The largest M of <c>bytes&lt;M&gt;</c>.</summary>
    public const int MaxSizeInBytes = 32;

    /// <summary>Creates a <c>bytes&lt;M&gt;</c> type.</summary>
    /// <param name="length">M, from 1 to 32.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not from 1 to 32.</exception>
    public AbiFixedBytesType(int length)
        : base(Canonical(length), isDynamic: false, WordSize, depth: 0)
    {
        Length = length;
    }

    /// <summary>Gets <c>bytes32</c>.</summary>
    public static AbiFixedBytesType Bytes32 { get; } = new(32);

    /// <summary>Gets the number of bytes, M.</summary>
    public int Length { get; }

    private static string Canonical(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxSizeInBytes);
        return "bytes" + length.ToString(CultureInfo.InvariantCulture);
    }
}
