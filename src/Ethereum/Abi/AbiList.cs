using System.Collections.ObjectModel;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of an array type (<c>T[]</c>, <c>T[k]</c>) or of a tuple: its elements or components, in order.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Formal Specification of the Encoding": arrays and tuples share the head/tail layout;
/// <c>T[]</c> adds a length word in front.</remarks>
public sealed class AbiList : AbiValue
{
    private readonly ReadOnlyCollection<AbiValue> _items;

    /// <summary>Creates a list value from a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The elements or components.</param>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of its items is <see langword="null"/>.</exception>
    public AbiList(params IEnumerable<AbiValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var copy = items.ToArray();
        if (Array.Exists(copy, item => item is null))
        {
            throw new ArgumentNullException(nameof(items), "A list item is null.");
        }

        _items = Array.AsReadOnly(copy);
    }

    private AbiList(AbiValue[] owned, bool _) => _items = Array.AsReadOnly(owned);

    /// <summary>Gets the elements or components.</summary>
    public IReadOnlyList<AbiValue> Items => _items;

    /// <inheritdoc/>
    public override bool Equals(AbiValue? other) => other is AbiList list && list._items.SequenceEqual(_items);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Returns the items in brackets, separated by commas.</summary>
    /// <returns>The list text.</returns>
    public override string ToString() => "[" + string.Join(',', _items) + "]";

    /// <summary>Wraps an array that nobody else holds, without copying it.</summary>
    internal static AbiList Own(AbiValue[] owned) => new(owned, false);
}
