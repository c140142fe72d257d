namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of <c>address</c>.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Formal Specification of the Encoding": the 20 bytes, left-padded with zeros to a word.</remarks>
public sealed class AbiAddress : AbiValue
{
    /// <summary>Creates an address value.</summary>
    /// <param name="value">The address.</param>
    public AbiAddress(Address value) => Value = value;

    /// <summary>Gets the address.</summary>
    public Address Value { get; }

    /// <inheritdoc/>
    public override bool Equals(AbiValue? other) => other is AbiAddress address && address.Value == Value;

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Returns the lowercase <c>0x</c> form of the address.</summary>
    /// <returns>The address text.</returns>
    public override string ToString() => Value.ToString();
}
