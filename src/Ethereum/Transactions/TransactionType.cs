namespace IdentityEhr.Ethereum.Transactions;

/// <summary>The transaction types this library signs and decodes.</summary>
/// <remarks>EIP-2718 (typed transaction envelope). Type 1 (EIP-2930) and later types are refused by the decoder.</remarks>
public enum TransactionType
{
    /// <summary>An untyped RLP list: EIP-155 (chain id in <c>v</c>) or, for decoding only, pre-EIP-155.</summary>
    Legacy = 0,

    /// <summary>EIP-1559 fee market transaction, envelope type <c>0x02</c>.</summary>
    Eip1559 = 2,
}
