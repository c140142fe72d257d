namespace IdentityEhr.Ethereum.Abi;

/// <summary>The <c>bool</c> type, encoded like <c>uint8</c> restricted to 0 and 1.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types".</remarks>
public sealed class AbiBoolType : AbiType
{
    private AbiBoolType()
        : base("bool", isDynamic: false, WordSize, depth: 0)
    {
    }

    /// <summary>Gets the <c>bool</c> type.</summary>
    public static AbiBoolType Instance { get; } = new();
}
