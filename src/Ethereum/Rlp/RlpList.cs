using System.Collections.Immutable;

namespace IdentityEhr.Ethereum.Rlp;

/// <summary>An RLP list: an ordered sequence of items, each a string or a list.</summary>
/// <remarks>
/// Ethereum Yellow Paper, Appendix B: the concatenated encodings of the items, prefixed by 0xc0 + length for payloads of up to
/// 55 bytes, or 0xf7 + the size of the length, then the length, for longer payloads.
/// </remarks>
public sealed class RlpList : RlpItem
{
    /// <summary>Creates a list of <paramref name="items"/>.</summary>
    /// <param name="items">The items, in order.</param>
    /// <exception cref="ArgumentNullException">An item is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The list would nest deeper than <see cref="RlpCodec.MaxDepth"/>, or its encoding would not fit in an array.
    /// </exception>
    public RlpList(params ReadOnlySpan<RlpItem> items)
        : this(ImmutableArray.Create(items))
    {
    }

    /// <summary>Creates a list of <paramref name="items"/>.</summary>
    /// <param name="items">The items, in order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The list would nest deeper than <see cref="RlpCodec.MaxDepth"/>, or its encoding would not fit in an array.
    /// </exception>
    public RlpList(IEnumerable<RlpItem> items)
        : this(ImmutableArray.CreateRange(items ?? throw new ArgumentNullException(nameof(items))))
    {
    }

    private RlpList(ImmutableArray<RlpItem> items)
        : base(EncodedLengthOf(items, out var payloadLength, out var depth), depth)
    {
        Items = items;
        PayloadLength = payloadLength;
    }

    /// <summary>Gets the empty list (<c>0xc0</c>).</summary>
    public static RlpList Empty { get; } = new(ImmutableArray<RlpItem>.Empty);

    /// <summary>Gets the items, in order.</summary>
    public ImmutableArray<RlpItem> Items { get; }

    /// <summary>Gets the length of the concatenated item encodings, without the list's own prefix.</summary>
    internal int PayloadLength { get; }

    /// <inheritdoc/>
    public override bool Equals(RlpItem? other)
    {
        if (other is not RlpList list || list.EncodedLength != EncodedLength || list.Items.Length != Items.Length)
        {
            return false;
        }

        // Depth is bounded by RlpCodec.MaxDepth, so this recursion is too.
        for (var i = 0; i < Items.Length; i++)
        {
            if (!Items[i].Equals(list.Items[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(EncodedLength, Items.Length, Items.Length > 0 ? Items[0].GetHashCode() : 0);

    /// <summary>Returns the items in brackets, strings as <c>0x</c> hexadecimal.</summary>
    /// <returns>The text, <c>[]</c> for the empty list.</returns>
    public override string ToString() => "[" + string.Join(", ", Items) + "]";

    /// <summary>Creates a list from items the decoder produced (already checked for depth and size).</summary>
    internal static RlpList FromTrusted(ImmutableArray<RlpItem> items) => items.IsEmpty ? Empty : new RlpList(items);

    private static int EncodedLengthOf(ImmutableArray<RlpItem> items, out int payloadLength, out int depth)
    {
        long payload = 0;
        var deepest = 0;
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            payload += item.EncodedLength;
            deepest = Math.Max(deepest, item.Depth);
        }

        depth = deepest + 1;
        if (depth > RlpCodec.MaxDepth)
        {
            throw new ArgumentException($"RLP items nest at most {RlpCodec.MaxDepth} lists deep.", nameof(items));
        }

        var length = PrefixLength(payload) + payload;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException("The list is too long to encode in one array.", nameof(items));
        }

        payloadLength = (int)payload;
        return (int)length;
    }
}
