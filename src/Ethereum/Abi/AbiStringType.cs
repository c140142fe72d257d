namespace IdentityEhr.Ethereum.Abi;

/// <summary>The dynamic <c>string</c> type: UTF-8 text, encoded like <c>bytes</c>.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding".</remarks>
public sealed class AbiStringType : AbiType
{
    private AbiStringType()
        : base("string", isDynamic: true, WordSize, depth: 0)
    {
    }

    /// <summary>Gets the <c>string</c> type.</summary>
    public static AbiStringType Instance { get; } = new();
}
