namespace IdentityEhr.Ethereum.Abi;

/// <summary>A value of <c>bool</c>.</summary>
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
