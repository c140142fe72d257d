namespace IdentityEhr.Ethereum.Abi;

/// <summary>The dynamic array type <c>T[]</c>: a length word, then the elements encoded as a tuple.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding".</remarks>
public sealed class AbiArrayType : AbiType
{
    /// <summary>Creates the type <c>T[]</c>.</summary>
    /// <param name="element">The element type, T.</param>
    /// <exception cref="ArgumentNullException"><paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The array would nest deeper than <see cref="AbiType.MaxDepth"/>.</exception>
    public AbiArrayType(AbiType element)
        : base(Canonical(element), isDynamic: true, WordSize, element.Depth + 1)
    {
        Element = element;
    }

    /// <summary>Gets the element type.</summary>
    public AbiType Element { get; }

    private static string Canonical(AbiType element)
    {
        ArgumentNullException.ThrowIfNull(element);
        ThrowIfOverLimits(element.Depth + 1, WordSize, nameof(element));
        return element + "[]";
    }
}
