namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of <c>bool</c>.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Formal Specification of the Encoding": the word 0 or 1.</remarks>
public sealed class AbiBool : AbiValue
{
    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    public AbiBool(bool value) => Value = value;

    /// <summary>Gets the boolean.</summary>
    public bool Value { get; }

    /// <inheritdoc/>
    public override bool Equals(AbiValue? other) => other is AbiBool boolean && boolean.Value == Value;

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Returns <c>true</c> or <c>false</c>.</summary>
    /// <returns>The boolean text.</returns>
    public override string ToString() => Value ? "true" : "false";
}
