namespace IdentityEhr.Ethereum.Abi;

/// <summary>The dynamic <c>bytes</c> type: a length word, then the bytes right-padded to whole words.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Types" and "Formal Specification of the Encoding".</remarks>
public sealed class AbiBytesType : AbiType
{
    private AbiBytesType()
        : base("bytes", isDynamic: true, WordSize, depth: 0)
    {
    }

    /// <summary>Gets the <c>bytes</c> type.</summary>
    public static AbiBytesType Instance { get; } = new();
}
