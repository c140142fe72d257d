using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rlp;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>Strict decoding of raw signed transactions.</summary>
public sealed partial class SignedTransaction
{
    private const int LegacyFieldCount = 9;
    private const int Eip1559FieldCount = 12;

    /// <summary>Decodes and checks a raw signed legacy or EIP-1559 transaction and recovers its sender.</summary>
    /// <remarks>
    /// EIP-2718 (envelope: a first byte of 0xc0 or more is a legacy list; 0x02 is EIP-1559; other types are refused), EIP-155,
    /// EIP-1559, EIP-2 and canonical RLP (Yellow Paper, Appendix B). Integers must be minimal, fees and value below 2^256,
    /// <c>maxPriorityFeePerGas ≤ maxFeePerGas</c>, gas limit × fee below 2^256, and <c>s ≤ n/2</c>. A pre-EIP-155 legacy
    /// transaction (<c>v</c> = 27/28) has no chain id to compare and is accepted with <see cref="Transaction.ChainId"/>
    /// <see langword="null"/>; a caller that needs replay protection refuses it.
    /// </remarks>
    /// <param name="raw">The untrusted raw transaction.</param>
    /// <param name="expectedChainId">The chain the transaction must name, or <see langword="null"/> to accept any.</param>
    /// <param name="transaction">The transaction when it is accepted; otherwise <see langword="null"/>.</param>
    /// <param name="error"><see cref="TransactionError.None"/> on success; otherwise why the transaction was refused.</param>
    /// <returns><see langword="true"/> when the transaction is well formed and its signature recovers a sender; otherwise <see langword="false"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> raw, ulong? expectedChainId, [NotNullWhen(true)] out SignedTransaction? transaction, out TransactionError error)
    {
        error = Decode(raw, expectedChainId, out transaction);
        return error is TransactionError.None;
    }

    private static TransactionError Decode(ReadOnlySpan<byte> raw, ulong? expectedChainId, out SignedTransaction? transaction)
    {
        transaction = null;
        if (raw.Length > MaxSizeInBytes)
        {
            return TransactionError.TooLarge;
        }

        if (raw.IsEmpty)
        {
            return TransactionError.MalformedRlp;
        }

        // EIP-2718: [0x00, 0x7f] is a type; [0xc0, 0xfe] starts a legacy RLP list; [0x80, 0xbf] (an RLP string) is neither.
        return raw[0] switch
        {
            >= 0xc0 => DecodeLegacy(raw, expectedChainId, out transaction),
            (byte)TransactionType.Eip1559 => DecodeEip1559(raw[1..], expectedChainId, out transaction),
            _ => TransactionError.UnsupportedType,
        };
    }

    private static TransactionError DecodeLegacy(ReadOnlySpan<byte> raw, ulong? expectedChainId, out SignedTransaction? transaction)
    {
        transaction = null;
        if (!TryDecodeFields(raw, LegacyFieldCount, out var fields, out var error))
        {
            return error;
        }

        var reader = default(FieldReader);
        var nonce = reader.UInt64(fields[0]);
        var gasPrice = reader.UInt256(fields[1]);
        var gasLimit = reader.UInt64(fields[2]);
        var to = reader.To(fields[3]);
        var value = reader.UInt256(fields[4]);
        var data = reader.Bytes(fields[5]);
        var v = reader.UInt256(fields[6]);
        var r = reader.UInt256(fields[7]);
        var s = reader.UInt256(fields[8]);
        if (reader.Error is not TransactionError.None)
        {
            return reader.Error;
        }

        if (TransactionRules.GasFeeProductOverflows(gasLimit, gasPrice))
        {
            return TransactionError.GasFeeProductOverflow;
        }

        // EIP-155: v = chainId·2 + 35 + yParity with chainId ≥ 1 (v ≥ 37); pre-EIP-155: v = 27 + yParity. 35 and 36 would be
        // chain id 0, which nodes refuse as ambiguous.
        ulong? chainId;
        int yParity;
        if (v == 27 || v == 28)
        {
            (chainId, yParity) = (null, (int)(v - 27));
        }
        else if (v >= 37)
        {
            var id = (v - 35) / 2;
            if (id > ulong.MaxValue)
            {
                return TransactionError.ValueOutOfRange;
            }

            (chainId, yParity) = ((ulong)id, (int)((v - 35) % 2));
        }
        else
        {
            return TransactionError.InvalidV;
        }

        if (chainId is not null && expectedChainId is not null && chainId != expectedChainId)
        {
            return TransactionError.WrongChainId;
        }

        var unsigned = new LegacyTransaction(chainId, nonce, gasPrice, gasLimit, to, value, data.AsSpan());
        return Recover(unsigned, yParity, r, s, out transaction);
    }

    private static TransactionError DecodeEip1559(ReadOnlySpan<byte> payload, ulong? expectedChainId, out SignedTransaction? transaction)
    {
        transaction = null;
        if (!TryDecodeFields(payload, Eip1559FieldCount, out var fields, out var error))
        {
            return error;
        }

        var reader = default(FieldReader);
        var chainId = reader.UInt64(fields[0]);
        var nonce = reader.UInt64(fields[1]);
        var maxPriorityFeePerGas = reader.UInt256(fields[2]);
        var maxFeePerGas = reader.UInt256(fields[3]);
        var gasLimit = reader.UInt64(fields[4]);
        var to = reader.To(fields[5]);
        var value = reader.UInt256(fields[6]);
        var data = reader.Bytes(fields[7]);
        var accessList = reader.AccessList(fields[8]);
        var yParity = reader.UInt64(fields[9]);
        var r = reader.UInt256(fields[10]);
        var s = reader.UInt256(fields[11]);
        if (reader.Error is not TransactionError.None)
        {
            return reader.Error;
        }

        if (maxPriorityFeePerGas > maxFeePerGas)
        {
            return TransactionError.PriorityFeeAboveMaxFee;
        }

        if (TransactionRules.GasFeeProductOverflows(gasLimit, maxFeePerGas))
        {
            return TransactionError.GasFeeProductOverflow;
        }

        if (yParity > 1)
        {
            return TransactionError.InvalidV;
        }

        if (expectedChainId is not null && chainId != expectedChainId)
        {
            return TransactionError.WrongChainId;
        }

        var unsigned = new Eip1559Transaction(chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data.AsSpan(), accessList);
        return Recover(unsigned, (int)yParity, r, s, out transaction);
    }

    private static bool TryDecodeFields(ReadOnlySpan<byte> encoded, int count, out ImmutableArray<RlpItem> fields, out TransactionError error)
    {
        fields = [];
        error = !RlpCodec.TryDecode(encoded, out var item, out _) ? TransactionError.MalformedRlp
            : item is not RlpList list ? TransactionError.MalformedField
            : list.Items.Length != count ? TransactionError.WrongFieldCount
            : TransactionError.None;
        if (error is not TransactionError.None)
        {
            return false;
        }

        fields = ((RlpList)item!).Items;
        return true;
    }

    private static TransactionError Recover(Transaction unsigned, int yParity, BigInteger r, BigInteger s, out SignedTransaction? transaction)
    {
        transaction = null;
        if (r.IsZero || r >= TransactionRules.CurveOrder || s.IsZero || s >= TransactionRules.CurveOrder)
        {
            return TransactionError.InvalidSignature;
        }

        if (s > TransactionRules.HalfCurveOrder)
        {
            return TransactionError.HighS;
        }

        Span<byte> signature = stackalloc byte[Secp256k1.SignatureSizeInBytes];
        r.TryWriteBytes(signature[(32 - r.GetByteCount(isUnsigned: true))..32], out _, isUnsigned: true, isBigEndian: true);
        s.TryWriteBytes(signature[(64 - s.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
        if (!Secp256k1.TryRecover(unsigned.GetSigningHash(), signature, yParity, out var publicKey))
        {
            return TransactionError.InvalidSignature;
        }

        transaction = new SignedTransaction(unsigned, yParity, r, s, Address.FromPublicKey(publicKey));
        return TransactionError.None;
    }

    /// <summary>Reads fields in order and keeps the first error; later reads return defaults once one has failed.</summary>
    private struct FieldReader
    {
        public TransactionError Error { get; private set; }

        public ulong UInt64(RlpItem item)
        {
            if (Error is not TransactionError.None)
            {
                return 0;
            }

            if (item is not RlpString text)
            {
                Error = TransactionError.MalformedField;
                return 0;
            }

            if (!text.TryGetUInt64(out var value, out var error))
            {
                Error = IntegerError(error);
            }

            return value;
        }

        public BigInteger UInt256(RlpItem item)
        {
            if (Error is not TransactionError.None)
            {
                return BigInteger.Zero;
            }

            if (item is not RlpString text)
            {
                Error = TransactionError.MalformedField;
                return BigInteger.Zero;
            }

            if (!text.TryGetUInt256(out var value, out var error))
            {
                Error = IntegerError(error);
            }

            return value;
        }

        public ImmutableArray<byte> Bytes(RlpItem item)
        {
            if (Error is TransactionError.None && item is not RlpString)
            {
                Error = TransactionError.MalformedField;
            }

            return Error is TransactionError.None ? ((RlpString)item).Bytes : [];
        }

        public Address? To(RlpItem item)
        {
            var bytes = Bytes(item);
            if (Error is not TransactionError.None || bytes.IsEmpty)
            {
                return null;
            }

            if (bytes.Length != Address.SizeInBytes)
            {
                Error = TransactionError.MalformedField;
                return null;
            }

            return Address.FromBytes(bytes.AsSpan());
        }

        public ImmutableArray<AccessListEntry> AccessList(RlpItem item)
        {
            if (Error is not TransactionError.None)
            {
                return [];
            }

            var entries = ImmutableArray.CreateBuilder<AccessListEntry>();
            if (item is RlpList list)
            {
                foreach (var entry in list.Items)
                {
                    if (!TryReadAccessListEntry(entry, out var read))
                    {
                        Error = TransactionError.MalformedField;
                        return [];
                    }

                    entries.Add(read);
                }

                return entries.DrainToImmutable();
            }

            Error = TransactionError.MalformedField;
            return [];
        }

        private static bool TryReadAccessListEntry(RlpItem item, [NotNullWhen(true)] out AccessListEntry? entry)
        {
            entry = null;
            if (item is not RlpList { Items: [RlpString { Bytes.Length: Address.SizeInBytes } address, RlpList keys] })
            {
                return false;
            }

            var storageKeys = ImmutableArray.CreateBuilder<ImmutableArray<byte>>(keys.Items.Length);
            foreach (var key in keys.Items)
            {
                if (key is not RlpString { Bytes.Length: AccessListEntry.StorageKeySizeInBytes } text)
                {
                    return false;
                }

                storageKeys.Add(text.Bytes);
            }

            entry = AccessListEntry.FromTrusted(Address.FromBytes(address.Bytes.AsSpan()), storageKeys.MoveToImmutable());
            return true;
        }

        private static TransactionError IntegerError(RlpError error) =>
            error is RlpError.IntegerHasLeadingZeros ? TransactionError.NonCanonicalInteger : TransactionError.ValueOutOfRange;
    }
}
