using System.Collections.Immutable;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The tuple type <c>(T1,…,Tn)</c>: heads of the components, then the tails of the dynamic ones.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding". Solidity structs are tuples.</remarks>
public sealed class AbiTupleType : AbiType
{
    private readonly IReadOnlyList<AbiType> _components;

    /// <summary>Creates a tuple type.</summary>
    /// <param name="components">The component types; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="components"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="components"/> is empty, or the tuple would nest deeper than <see cref="AbiType.MaxDepth"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The head would be larger than <see cref="AbiType.MaxHeadSizeInBytes"/>.</exception>
    public AbiTupleType(params IEnumerable<AbiType> components)
        : this(Validate(components))
    {
    }

    private AbiTupleType(ImmutableArray<AbiType> components)
        : base(
            "(" + string.Join(',', components) + ")",
            components.Any(c => c.IsDynamic),
            components.Any(c => c.IsDynamic) ? WordSize : SumOfHeads(components),
            components.Max(c => c.Depth) + 1)
    {
        _components = components;
        ComponentsHeadSize = SumOfHeads(components);
    }

    /// <summary>Gets the component types.</summary>
    public IReadOnlyList<AbiType> Components => _components;

    /// <summary>Gets the size of the heads of the components.</summary>
    internal long ComponentsHeadSize { get; }

    internal static long SumOfHeads(IEnumerable<AbiType> components) => components.Sum(c => c.HeadSize);

    /// <summary>Creates a tuple whose limits the caller has checked.</summary>
    internal static AbiTupleType CreateChecked(ImmutableArray<AbiType> components) => new(components);

    private static ImmutableArray<AbiType> Validate(IEnumerable<AbiType> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var array = components.ToImmutableArray();
        if (array.IsEmpty)
        {
            throw new ArgumentException("A tuple has at least one component.", nameof(components));
        }

        if (array.Any(c => c is null))
        {
            throw new ArgumentNullException(nameof(components), "A tuple component is null.");
        }

        ThrowIfOverLimits(array.Max(c => c.Depth) + 1, SumOfHeads(array), nameof(components));
        return array;
    }
}
