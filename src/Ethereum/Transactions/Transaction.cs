using System.Collections.Immutable;
using System.Numerics;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rlp;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>An unsigned Ethereum transaction: the fields every type shares, its signing payload and hash, and signing.</summary>
/// <remarks>
/// Ethereum Yellow Paper §4.3 (transaction fields), EIP-2718 (typed envelope), EIP-155 and EIP-1559. The hierarchy is closed:
/// <see cref="LegacyTransaction"/> and <see cref="Eip1559Transaction"/>. Nonce, gas limit and chain id are 64-bit (EIP-2681,
/// EIP-2294, as geth); fees and value are 256-bit words held as <see cref="BigInteger"/> in <c>[0, 2^256)</c>.
/// </remarks>
public abstract class Transaction
{
    private protected Transaction(ulong? chainId, ulong nonce, ulong gasLimit, Address? to, BigInteger value, ReadOnlySpan<byte> data)
    {
        TransactionRules.ThrowIfNotUInt256(value, nameof(value));
        ChainId = chainId;
        Nonce = nonce;
        GasLimit = gasLimit;
        To = to;
        Value = value;
        Data = ImmutableArray.Create(data);
    }

    /// <summary>Gets the transaction type.</summary>
    public abstract TransactionType Type { get; }

    /// <summary>Gets the chain id the signature binds to, or <see langword="null"/> for a pre-EIP-155 legacy transaction.</summary>
    public ulong? ChainId { get; }

    /// <summary>Gets the sender's nonce.</summary>
    public ulong Nonce { get; }

    /// <summary>Gets the most gas the transaction may use.</summary>
    public ulong GasLimit { get; }

    /// <summary>Gets the recipient, or <see langword="null"/> for a contract creation.</summary>
    public Address? To { get; }

    /// <summary>Gets the wei sent to the recipient, in <c>[0, 2^256)</c>.</summary>
    public BigInteger Value { get; }

    /// <summary>Gets the call data, or the init code of a contract creation.</summary>
    public ImmutableArray<byte> Data { get; }

    /// <summary>Returns the bytes that are hashed for signing (for a typed transaction, the type byte and the RLP of its fields).</summary>
    /// <remarks>
    /// EIP-155: <c>rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0, 0])</c>, or the first six fields before EIP-155.
    /// EIP-1559: <c>0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])</c>.
    /// </remarks>
    /// <returns>The unsigned serialisation.</returns>
    public byte[] GetSigningPayload()
    {
        RlpItem[] fields = Type is TransactionType.Legacy && ChainId is { } chainId
            ? [.. EncodeFields(), RlpString.FromUInt64(chainId), RlpString.Empty, RlpString.Empty]
            : EncodeFields();
        return Envelope(new RlpList(fields));
    }

    /// <summary>Returns the Keccak-256 hash of <see cref="GetSigningPayload"/>, which the sender signs.</summary>
    /// <returns>The 32-byte signing hash.</returns>
    public byte[] GetSigningHash() => Keccak256.HashData(GetSigningPayload());

    /// <summary>Signs the transaction with a secp256k1 private key (RFC 6979 nonce, low <c>s</c>).</summary>
    /// <param name="privateKey">The sender's 32-byte private key; it is not kept.</param>
    /// <returns>The signed transaction, whose sender is the key's address.</returns>
    /// <exception cref="ArgumentException"><paramref name="privateKey"/> is not a valid secp256k1 private key.</exception>
    /// <exception cref="InvalidOperationException">
    /// The transaction is a pre-EIP-155 legacy transaction (from the decoder): it would be valid on every chain, so it is not signed.
    /// </exception>
    public SignedTransaction Sign(ReadOnlySpan<byte> privateKey)
    {
        using var key = new EthereumSigningKey(privateKey);
        return Sign(key);
    }

    /// <summary>Signs the transaction with a held signing key (RFC 6979 nonce, low <c>s</c>); cheaper when signing many.</summary>
    /// <param name="key">The sender's key.</param>
    /// <returns>The signed transaction, whose sender is the key's address.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The transaction is a pre-EIP-155 legacy transaction (from the decoder).</exception>
    public SignedTransaction Sign(EthereumSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ChainId is null)
        {
            throw new InvalidOperationException("A pre-EIP-155 transaction can be replayed on any chain; sign one with a chain id.");
        }

        var signature = key.SignRecoverable(GetSigningHash());
        var sender = key.Address;
        return new SignedTransaction(
            this,
            signature[64],
            new BigInteger(signature.AsSpan(0, 32), isUnsigned: true, isBigEndian: true),
            new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true),
            sender);
    }

    /// <summary>The <c>v</c> value that carries <paramref name="yParity"/> in this transaction's signed form.</summary>
    internal abstract BigInteger GetV(int yParity);

    /// <summary>The signed serialisation: the fields, then v (or y parity), r and s, in the type's envelope.</summary>
    internal byte[] EncodeSigned(int yParity, BigInteger r, BigInteger s) =>
        Envelope(new RlpList([.. EncodeFields(), RlpString.FromInteger(GetV(yParity)), RlpString.FromInteger(r), RlpString.FromInteger(s)]));

    /// <summary>The type's fields before the signature, in wire order.</summary>
    private protected abstract RlpItem[] EncodeFields();

    private protected static RlpString EncodeTo(Address? to) => to is { } address ? new RlpString(address.ToBytes()) : RlpString.Empty;

    private byte[] Envelope(RlpList list)
    {
        if (Type is TransactionType.Legacy)
        {
            return RlpCodec.Encode(list);
        }

        // EIP-2718: TransactionType ‖ TransactionPayload.
        var bytes = new byte[1 + list.EncodedLength];
        bytes[0] = (byte)Type;
        RlpCodec.TryEncode(list, bytes.AsSpan(1), out _);
        return bytes;
    }
}
