namespace IdentityEhr.Ethereum.Transactions;

/// <summary>Why a raw transaction was refused by <see cref="SignedTransaction.TryDecode"/>: a closed set of reasons.</summary>
/// <remarks>
/// EIP-2718 (envelope), EIP-155 (legacy <c>v</c>), EIP-1559 (type 2 fields and fee rules), EIP-2 (low <c>s</c>), and the
/// canonical RLP of the Yellow Paper, Appendix B. When several checks fail, the reason is the first in this order: size, type,
/// RLP, field count, each field in order, fee rules, <c>v</c>, chain id, signature.
/// </remarks>
public enum TransactionError
{
    /// <summary>The transaction was accepted.</summary>
    None,

    /// <summary>The raw transaction is longer than <see cref="SignedTransaction.MaxSizeInBytes"/>.</summary>
    TooLarge,

    /// <summary>
    /// The first byte names a type other than 2 (for example type 1, EIP-2930, or type 3, EIP-4844), or is an RLP string
    /// prefix, which is neither a legacy list nor a type.
    /// </summary>
    UnsupportedType,

    /// <summary>The RLP is empty, truncated, non-canonical, too deep, or followed by extra bytes.</summary>
    MalformedRlp,

    /// <summary>The transaction list does not have 9 (legacy) or 12 (EIP-1559) fields.</summary>
    WrongFieldCount,

    /// <summary>
    /// A field has the wrong shape: a list where bytes are expected (or the reverse), a <c>to</c> that is neither empty nor 20
    /// bytes, or an access list that is not a list of [20-byte address, [32-byte keys]] pairs.
    /// </summary>
    MalformedField,

    /// <summary>An integer field has a leading zero byte (0 must be the empty string).</summary>
    NonCanonicalInteger,

    /// <summary>An integer is too wide: nonce, gas limit or chain id over 64 bits, or a fee, value, r or s over 256 bits.</summary>
    ValueOutOfRange,

    /// <summary>An EIP-1559 transaction has <c>maxPriorityFeePerGas</c> greater than <c>maxFeePerGas</c>.</summary>
    PriorityFeeAboveMaxFee,

    /// <summary>Gas limit × gas price (legacy) or gas limit × <c>maxFeePerGas</c> (EIP-1559) is 2^256 or more.</summary>
    GasFeeProductOverflow,

    /// <summary>
    /// The legacy <c>v</c> is neither 27/28 nor <c>chainId·2 + 35 + {0, 1}</c> with chain id ≥ 1 (so 35 and 36, chain id 0,
    /// are refused), or a typed transaction's y parity is not 0 or 1.
    /// </summary>
    InvalidV,

    /// <summary>The transaction names a chain id other than the one expected.</summary>
    WrongChainId,

    /// <summary>The signature's <c>s</c> is in the upper half of the curve order (EIP-2 malleability rule).</summary>
    HighS,

    /// <summary><c>r</c> or <c>s</c> is 0 or not below the curve order, or no public key recovers from the signature.</summary>
    InvalidSignature,
}
