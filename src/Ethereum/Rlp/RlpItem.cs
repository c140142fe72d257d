namespace IdentityEhr.Ethereum.Rlp;

/// <summary>An RLP item: a byte string (<see cref="RlpString"/>) or a list of items (<see cref="RlpList"/>).</summary>
/// <remarks>
/// Ethereum Yellow Paper, Appendix B (Recursive Length Prefix). Items are immutable and compare by value. Construction refuses
/// nesting deeper than <see cref="RlpCodec.MaxDepth"/>, so every item whose encoding is within
/// <see cref="RlpCodec.MaxInputSizeInBytes"/> decodes back to an equal item.
/// </remarks>
public abstract class RlpItem : IEquatable<RlpItem>
{
    private protected RlpItem(int encodedLength, int depth)
    {
        EncodedLength = encodedLength;
        Depth = depth;
    }

    /// <summary>Gets the length in bytes of this item's canonical encoding.</summary>
    public int EncodedLength { get; }

    /// <summary>Gets how many lists are nested in this item: 0 for a string, 1 for a list of strings, and so on.</summary>
    public int Depth { get; }

    /// <summary>Compares two items by value: the same kind, and the same bytes or the same items in the same order.</summary>
    /// <param name="other">The other item.</param>
    /// <returns><see langword="true"/> when both items have the same encoding; otherwise <see langword="false"/>.</returns>
    public abstract bool Equals(RlpItem? other);

    /// <inheritdoc/>
    public sealed override bool Equals(object? obj) => Equals(obj as RlpItem);

    /// <inheritdoc/>
    public abstract override int GetHashCode();

    /// <summary>The size of the length prefix for a payload of <paramref name="payloadLength"/> bytes.</summary>
    private protected static int PrefixLength(long payloadLength)
    {
        var prefix = 1;
        if (payloadLength > RlpCodec.MaxShortPayloadLength)
        {
            for (var rest = payloadLength; rest > 0; rest >>= 8)
            {
                prefix++;
            }
        }

        return prefix;
    }
}
