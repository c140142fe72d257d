using System.Globalization;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The fixed-length array type <c>T[k]</c>: k elements encoded as a tuple, dynamic exactly when T is.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding".</remarks>
public sealed class AbiFixedArrayType : AbiType
{
    /// <summary>Creates the type <c>T[k]</c>.</summary>
    /// <param name="element">The element type, T.</param>
    /// <param name="length">The number of elements, k (at least 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is less than 1, or the head would be larger than <see cref="AbiType.MaxHeadSizeInBytes"/>.</exception>
    /// <exception cref="ArgumentException">The array would nest deeper than <see cref="AbiType.MaxDepth"/>.</exception>
    public AbiFixedArrayType(AbiType element, int length)
        : base(Canonical(element, length), element.IsDynamic, element.IsDynamic ? WordSize : element.HeadSize * length, element.Depth + 1)
    {
        Element = element;
        Length = length;
    }

    /// <summary>Gets the element type.</summary>
    public AbiType Element { get; }

    /// <summary>Gets the number of elements.</summary>
    public int Length { get; }

    /// <summary>Gets the size of the heads of the elements.</summary>
    internal long ElementsHeadSize => Element.HeadSize * Length;

    private static string Canonical(AbiType element, int length)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ThrowIfOverLimits(element.Depth + 1, element.HeadSize * length, nameof(length));
        return element + "[" + length.ToString(CultureInfo.InvariantCulture) + "]";
    }
}
