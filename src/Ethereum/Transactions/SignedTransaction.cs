using System.Numerics;
using IdentityEhr.Ethereum.Crypto;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>A signed transaction: the unsigned fields, the signature, the sender it recovers to, its raw form and its hash.</summary>
/// <remarks>
/// EIP-2718: the raw form is <c>rlp([fields…, v, r, s])</c> for legacy transactions and <c>type ‖ rlp([fields…, yParity, r, s])</c>
/// for typed ones; the transaction hash is Keccak-256 of the raw form. Create one with <see cref="Transaction.Sign(EthereumSigningKey)"/> or
/// <see cref="TryDecode"/>.
/// </remarks>
public sealed partial class SignedTransaction
{
    /// <summary>The largest raw transaction <see cref="TryDecode"/> accepts: 128 KiB, the size geth's transaction pool admits.</summary>
    /// <remarks><see cref="Transaction.Sign(EthereumSigningKey)"/> does not enforce it; a larger signed transaction is one nodes will not relay.</remarks>
    public const int MaxSizeInBytes = 128 * 1024;

    private readonly byte[] _raw;
    private readonly byte[] _hash;

    internal SignedTransaction(Transaction transaction, int yParity, BigInteger r, BigInteger s, Address sender)
    {
        Transaction = transaction;
        YParity = yParity;
        R = r;
        S = s;
        Sender = sender;
        _raw = transaction.EncodeSigned(yParity, r, s);
        _hash = Keccak256.HashData(_raw);
    }

    /// <summary>Gets the unsigned transaction: a <see cref="LegacyTransaction"/> or an <see cref="Eip1559Transaction"/>.</summary>
    public Transaction Transaction { get; }

    /// <summary>Gets the y parity of the signature's R point: 0 or 1.</summary>
    public int YParity { get; }

    /// <summary>Gets the signature's <c>r</c>, in <c>[1, n)</c>.</summary>
    public BigInteger R { get; }

    /// <summary>Gets the signature's <c>s</c>, in <c>[1, n/2]</c> (EIP-2).</summary>
    public BigInteger S { get; }

    /// <summary>Gets the <c>v</c> written in the raw form: 27/28 or <c>chainId·2 + 35 + yParity</c> (legacy), or the y parity (typed).</summary>
    public BigInteger V => Transaction.GetV(YParity);

    /// <summary>Gets the address that signed the transaction.</summary>
    public Address Sender { get; }

    /// <summary>Returns the raw signed transaction, as sent with <c>eth_sendRawTransaction</c>.</summary>
    /// <returns>A new array holding the raw form.</returns>
    public byte[] ToBytes() => (byte[])_raw.Clone();

    /// <summary>Returns the transaction hash: Keccak-256 of the raw form.</summary>
    /// <returns>A new 32-byte array.</returns>
    public byte[] GetHash() => (byte[])_hash.Clone();
}
