namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of an ABI type: <see cref="AbiInteger"/>, <see cref="AbiAddress"/>, <see cref="AbiBool"/>, <see cref="AbiBytes"/>,
/// <see cref="AbiString"/> or <see cref="AbiList"/> (arrays and tuples).</summary>
/// <remarks>
/// Values do not carry their type: <see cref="AbiCodec.Encode"/> checks each value against the type it is encoded as, and
/// <see cref="AbiCodec.TryDecode"/> returns the value kind of each type. Values compare by content.
/// </remarks>
public abstract class AbiValue : IEquatable<AbiValue>
{
    private protected AbiValue()
    {
    }

    /// <inheritdoc/>
    public abstract bool Equals(AbiValue? other);

    /// <inheritdoc/>
    public sealed override bool Equals(object? obj) => Equals(obj as AbiValue);

    /// <inheritdoc/>
    public abstract override int GetHashCode();
}
