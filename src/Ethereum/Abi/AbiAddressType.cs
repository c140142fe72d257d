namespace IdentityEhr.Ethereum.Abi;

/// <summary>The <c>address</c> type: a 20-byte account, encoded like <c>uint160</c>.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types".</remarks>
public sealed class AbiAddressType : AbiType
{
    private AbiAddressType()
        : base("address", isDynamic: false, WordSize, depth: 0)
    {
    }

    /// <summary>Gets the <c>address</c> type.</summary>
    public static AbiAddressType Instance { get; } = new();
}
