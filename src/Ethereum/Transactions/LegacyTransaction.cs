using System.Numerics;
using IdentityEhr.Ethereum.Rlp;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>A legacy (untyped) transaction with a single gas price, replay-protected by EIP-155.</summary>
/// <remarks>
/// EIP-155: the signing payload ends with <c>chainId, 0, 0</c> and <c>v = chainId·2 + 35 + yParity</c>. Pre-EIP-155
/// transactions (<c>v</c> = 27 or 28, <see cref="Transaction.ChainId"/> <see langword="null"/>) come only from the decoder and are
/// never signed.
/// </remarks>
public sealed class LegacyTransaction : Transaction
{
    /// <summary>Creates an EIP-155 legacy transaction.</summary>
    /// <param name="chainId">The chain id, at least 1 (0 would make <c>v</c> 35 or 36, which nodes refuse).</param>
    /// <param name="nonce">The sender's nonce.</param>
    /// <param name="gasPrice">The price per gas in wei, in <c>[0, 2^256)</c>.</param>
    /// <param name="gasLimit">The most gas the transaction may use.</param>
    /// <param name="to">The recipient, or <see langword="null"/> to create a contract.</param>
    /// <param name="value">The wei to send, in <c>[0, 2^256)</c>.</param>
    /// <param name="data">The call data or init code; copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="chainId"/> is 0, or <paramref name="gasPrice"/> or <paramref name="value"/> is outside <c>[0, 2^256)</c>.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="gasLimit"/> × <paramref name="gasPrice"/> is 2^256 or more.</exception>
    public LegacyTransaction(ulong chainId, ulong nonce, BigInteger gasPrice, ulong gasLimit, Address? to, BigInteger value, ReadOnlySpan<byte> data)
        : this((ulong?)chainId, nonce, gasPrice, gasLimit, to, value, data)
    {
    }

    /// <summary>Creates a legacy transaction; a <see langword="null"/> chain id (pre-EIP-155) is for the decoder only.</summary>
    internal LegacyTransaction(ulong? chainId, ulong nonce, BigInteger gasPrice, ulong gasLimit, Address? to, BigInteger value, ReadOnlySpan<byte> data)
        : base(chainId, nonce, gasLimit, to, value, data)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chainId ?? 1, nameof(chainId));
        TransactionRules.ThrowIfNotUInt256(gasPrice, nameof(gasPrice));
        if (TransactionRules.GasFeeProductOverflows(gasLimit, gasPrice))
        {
            throw new ArgumentException("Gas limit × gas price must be below 2^256.", nameof(gasPrice));
        }

        GasPrice = gasPrice;
    }

    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.Legacy;

    /// <summary>Gets the price per gas in wei, in <c>[0, 2^256)</c>.</summary>
    public BigInteger GasPrice { get; }

    /// <inheritdoc/>
    internal override BigInteger GetV(int yParity) =>
        ChainId is { } chainId ? (new BigInteger(chainId) * 2) + 35 + yParity : 27 + yParity;

    /// <inheritdoc/>
    private protected override RlpItem[] EncodeFields() =>
    [
        RlpString.FromUInt64(Nonce),
        RlpString.FromInteger(GasPrice),
        RlpString.FromUInt64(GasLimit),
        EncodeTo(To),
        RlpString.FromInteger(Value),
        new RlpString(Data.AsSpan()),
    ];
}
