using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using IdentityEhr.Ethereum.Rlp;
using IdentityEhr.Ethereum.Transactions;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>Transaction rules one at a time: each refusal reason on an edited vector, and the constructors' argument checks.</summary>
public sealed class TransactionTests
{
    private static readonly BigInteger s_curveOrder = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static readonly Address s_recipient = Address.Parse("0x3535353535353535353535353535353535353535");

    /// <summary>The EIP-155 example: chain 1, v = 37 (transcribed/eip155-example.json).</summary>
    private static byte[] LegacyRaw() => Hex(Read("transcribed/eip155-example.json"), "signedTx");

    /// <summary>A type 2 transaction with an access list on chain 1337, mined by anvil (generated/transactions-generated.json).</summary>
    private static byte[] Eip1559Raw() => Hex(Read("generated/transactions-generated.json").GetProperty("transactions")[3], "signedRaw");

    private static byte[] TestKey() => Hex(Read("transcribed/eip155-example.json"), "privateKey");

    /// <summary>Decodes a valid raw transaction, edits its field list, and writes it back in the same envelope.</summary>
    private static byte[] Edit(byte[] raw, Func<ImmutableArray<RlpItem>, IEnumerable<RlpItem>> edit)
    {
        var typed = raw[0] < 0xc0;
        Assert.True(RlpCodec.TryDecode(typed ? raw.AsSpan(1) : raw, out var item, out _));
        var encoded = RlpCodec.Encode(new RlpList(edit(((RlpList)item).Items)));
        return typed ? [raw[0], .. encoded] : encoded;
    }

    private static byte[] Replace(byte[] raw, int field, RlpItem value) => Edit(raw, fields => fields.SetItem(field, value));

    private static TransactionError DecodeError(byte[] raw, ulong? expectedChainId = null)
    {
        SignedTransaction.TryDecode(raw, expectedChainId, out _, out var error);
        return error;
    }

    private static BigInteger Integer(byte[] raw, int field)
    {
        Assert.True(RlpCodec.TryDecode(raw[0] < 0xc0 ? raw.AsSpan(1) : raw, out var item, out _));
        Assert.True(((RlpString)((RlpList)item).Items[field]).TryGetUInt256(out var value, out _));
        return value;
    }

    // ---- decoder ----

    [Fact]
    public void Decode_refuses_a_high_s_signature()
    {
        // (r, n − s) with the other parity is the same signature's malleable twin; EIP-2 refuses it.
        var raw = Edit(LegacyRaw(), fields => fields
            .SetItem(6, RlpString.FromInteger(38))
            .SetItem(8, RlpString.FromInteger(s_curveOrder - Integer(LegacyRaw(), 8))));

        Assert.Equal(TransactionError.HighS, DecodeError(raw));
    }

    [Fact]
    public void Decode_refuses_eip155_chain_id_0()
    {
        Assert.Equal(TransactionError.InvalidV, DecodeError(Replace(LegacyRaw(), 6, RlpString.FromInteger(35))));
    }

    [Fact]
    public void Decode_refuses_a_legacy_v_of_29()
    {
        Assert.Equal(TransactionError.InvalidV, DecodeError(Replace(LegacyRaw(), 6, RlpString.FromInteger(29))));
    }

    [Fact]
    public void Decode_refuses_a_legacy_transaction_for_another_chain()
    {
        Assert.Equal(TransactionError.WrongChainId, DecodeError(LegacyRaw(), expectedChainId: 1337));
    }

    [Fact]
    public void Decode_refuses_an_eip1559_transaction_for_another_chain()
    {
        Assert.Equal(TransactionError.WrongChainId, DecodeError(Eip1559Raw(), expectedChainId: 1));
    }

    [Fact]
    public void Decode_accepts_any_chain_when_none_is_expected()
    {
        Assert.True(SignedTransaction.TryDecode(Eip1559Raw(), null, out var signed, out _) && signed.Transaction.ChainId == 1337);
    }

    [Fact]
    public void Decode_refuses_a_legacy_transaction_with_8_fields()
    {
        Assert.Equal(TransactionError.WrongFieldCount, DecodeError(Edit(LegacyRaw(), fields => fields.RemoveAt(5))));
    }

    [Fact]
    public void Decode_refuses_an_eip1559_transaction_with_13_fields()
    {
        Assert.Equal(TransactionError.WrongFieldCount, DecodeError(Edit(Eip1559Raw(), fields => fields.Add(RlpString.Empty))));
    }

    [Fact]
    public void Decode_refuses_an_unsigned_eip1559_transaction()
    {
        Assert.Equal(TransactionError.WrongFieldCount, DecodeError(Edit(Eip1559Raw(), fields => fields.RemoveRange(9, 3))));
    }

    [Fact]
    public void Decode_refuses_an_eip2930_transaction()
    {
        byte[] raw = [0x01, .. Eip1559Raw()[1..]];

        Assert.Equal(TransactionError.UnsupportedType, DecodeError(raw));
    }

    [Fact]
    public void Decode_refuses_a_blob_transaction_type()
    {
        byte[] raw = [0x03, .. Eip1559Raw()[1..]];

        Assert.Equal(TransactionError.UnsupportedType, DecodeError(raw));
    }

    [Fact]
    public void Decode_refuses_an_rlp_string_as_a_transaction()
    {
        Assert.Equal(TransactionError.UnsupportedType, DecodeError([0x83, 0x64, 0x6f, 0x67]));
    }

    [Fact]
    public void Decode_refuses_empty_input()
    {
        Assert.Equal(TransactionError.MalformedRlp, DecodeError([]));
    }

    [Fact]
    public void Decode_refuses_a_type_byte_alone()
    {
        Assert.Equal(TransactionError.MalformedRlp, DecodeError([0x02]));
    }

    [Fact]
    public void Decode_refuses_trailing_bytes()
    {
        Assert.Equal(TransactionError.MalformedRlp, DecodeError([.. LegacyRaw(), 0x00]));
    }

    [Fact]
    public void Decode_refuses_a_transaction_over_the_size_bound()
    {
        var raw = new byte[SignedTransaction.MaxSizeInBytes + 1];
        raw[0] = 0xc0;

        Assert.Equal(TransactionError.TooLarge, DecodeError(raw));
    }

    [Fact]
    public void Decode_refuses_a_nonce_with_a_leading_zero()
    {
        Assert.Equal(TransactionError.NonCanonicalInteger, DecodeError(Replace(LegacyRaw(), 0, new RlpString([0x00, 0x09]))));
    }

    [Fact]
    public void Decode_refuses_a_zero_written_as_0x00()
    {
        Assert.Equal(TransactionError.NonCanonicalInteger, DecodeError(Replace(LegacyRaw(), 4, new RlpString([0x00]))));
    }

    [Fact]
    public void Decode_refuses_a_nonce_over_64_bits()
    {
        Assert.Equal(TransactionError.ValueOutOfRange, DecodeError(Replace(LegacyRaw(), 0, RlpString.FromInteger(BigInteger.One << 64))));
    }

    [Fact]
    public void Decode_refuses_a_value_of_2_to_the_256()
    {
        Assert.Equal(TransactionError.ValueOutOfRange, DecodeError(Replace(LegacyRaw(), 4, RlpString.FromInteger(BigInteger.One << 256))));
    }

    [Fact]
    public void Decode_refuses_a_gas_price_whose_product_with_the_gas_limit_overflows()
    {
        Assert.Equal(TransactionError.GasFeeProductOverflow, DecodeError(Replace(LegacyRaw(), 1, RlpString.FromInteger((BigInteger.One << 256) - 1))));
    }

    [Fact]
    public void Decode_refuses_a_priority_fee_above_the_max_fee()
    {
        Assert.Equal(TransactionError.PriorityFeeAboveMaxFee, DecodeError(Replace(Eip1559Raw(), 2, RlpString.FromUInt64(0xb2d05e01))));
    }

    [Fact]
    public void Decode_refuses_a_recipient_of_19_bytes()
    {
        Assert.Equal(TransactionError.MalformedField, DecodeError(Replace(LegacyRaw(), 3, new RlpString(new byte[19]))));
    }

    [Fact]
    public void Decode_refuses_a_list_where_the_data_belongs()
    {
        Assert.Equal(TransactionError.MalformedField, DecodeError(Replace(LegacyRaw(), 5, RlpList.Empty)));
    }

    [Fact]
    public void Decode_refuses_a_string_where_the_access_list_belongs()
    {
        Assert.Equal(TransactionError.MalformedField, DecodeError(Replace(Eip1559Raw(), 8, RlpString.Empty)));
    }

    [Fact]
    public void Decode_refuses_an_access_list_key_of_31_bytes()
    {
        var entry = new RlpList(new RlpString(s_recipient.ToBytes()), new RlpList(new RlpString(new byte[31])));

        Assert.Equal(TransactionError.MalformedField, DecodeError(Replace(Eip1559Raw(), 8, new RlpList(entry))));
    }

    [Fact]
    public void Decode_refuses_an_access_list_entry_with_three_parts()
    {
        var entry = new RlpList(new RlpString(s_recipient.ToBytes()), RlpList.Empty, RlpList.Empty);

        Assert.Equal(TransactionError.MalformedField, DecodeError(Replace(Eip1559Raw(), 8, new RlpList(entry))));
    }

    [Fact]
    public void Decode_refuses_a_y_parity_of_2()
    {
        Assert.Equal(TransactionError.InvalidV, DecodeError(Replace(Eip1559Raw(), 9, RlpString.FromUInt64(2))));
    }

    [Fact]
    public void Decode_refuses_an_r_of_zero()
    {
        Assert.Equal(TransactionError.InvalidSignature, DecodeError(Replace(LegacyRaw(), 7, RlpString.Empty)));
    }

    [Fact]
    public void Decode_refuses_an_s_not_below_the_curve_order()
    {
        Assert.Equal(TransactionError.InvalidSignature, DecodeError(Replace(LegacyRaw(), 8, RlpString.FromInteger(s_curveOrder))));
    }

    [Fact]
    public void Decode_refuses_an_r_that_is_no_point_on_the_curve()
    {
        // x = 5 gives x³ + 7, which is not a square mod p: no R point, so no key recovers.
        Assert.Equal(TransactionError.InvalidSignature, DecodeError(Replace(LegacyRaw(), 7, RlpString.FromUInt64(5))));
    }

    [Fact]
    public void Decode_of_a_tampered_value_recovers_another_sender()
    {
        var original = Integer(LegacyRaw(), 4);
        var tampered = Replace(LegacyRaw(), 4, RlpString.FromInteger(original + 1));

        Assert.True(SignedTransaction.TryDecode(tampered, 1, out var signed, out _));
        Assert.NotEqual(Address.Parse("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"), signed.Sender);
    }

    [Fact]
    public void Decode_of_a_pre_eip155_transaction_signs_over_six_fields()
    {
        var raw = Hex(Read("ethereum-tests/TransactionTests/ttSignature/Vitalik_12.json").GetProperty("Vitalik_12"), "txbytes");
        Assert.True(SignedTransaction.TryDecode(raw, 1, out var signed, out _));

        Assert.True(RlpCodec.TryDecode(signed.Transaction.GetSigningPayload(), out var payload, out _));
        Assert.Equal(6, ((RlpList)payload).Items.Length);
    }

    [Fact]
    public void Sign_refuses_a_pre_eip155_transaction()
    {
        var raw = Hex(Read("ethereum-tests/TransactionTests/ttSignature/Vitalik_12.json").GetProperty("Vitalik_12"), "txbytes");
        Assert.True(SignedTransaction.TryDecode(raw, 1, out var signed, out _));

        Assert.Throws<InvalidOperationException>(() => signed.Transaction.Sign(TestKey()));
    }

    [Fact]
    public void ToBytes_returns_a_copy()
    {
        Assert.True(SignedTransaction.TryDecode(LegacyRaw(), 1, out var signed, out _));

        signed.ToBytes()[0] ^= 0xff;

        Assert.Equal(LegacyRaw(), signed.ToBytes());
    }

    // ---- constructors and signing ----

    [Fact]
    public void Legacy_constructor_refuses_chain_id_0()
    {
        Assert.Throws<ArgumentOutOfRangeException>("chainId", () => new LegacyTransaction(0, 0, 1, 21_000, s_recipient, 0, []));
    }

    [Fact]
    public void Legacy_constructor_refuses_a_negative_value()
    {
        Assert.Throws<ArgumentOutOfRangeException>("value", () => new LegacyTransaction(1, 0, 1, 21_000, s_recipient, -1, []));
    }

    [Fact]
    public void Legacy_constructor_refuses_a_value_of_2_to_the_256()
    {
        Assert.Throws<ArgumentOutOfRangeException>("value", () => new LegacyTransaction(1, 0, 1, 21_000, s_recipient, BigInteger.One << 256, []));
    }

    [Fact]
    public void Legacy_constructor_refuses_a_gas_price_of_2_to_the_256()
    {
        Assert.Throws<ArgumentOutOfRangeException>("gasPrice", () => new LegacyTransaction(1, 0, BigInteger.One << 256, 21_000, s_recipient, 0, []));
    }

    [Fact]
    public void Legacy_constructor_refuses_a_gas_price_whose_product_with_the_gas_limit_overflows()
    {
        Assert.Throws<ArgumentException>("gasPrice", () => new LegacyTransaction(1, 0, BigInteger.One << 250, 21_000, s_recipient, 0, []));
    }

    [Fact]
    public void Eip1559_constructor_refuses_a_priority_fee_above_the_max_fee()
    {
        Assert.Throws<ArgumentException>("maxPriorityFeePerGas", () => new Eip1559Transaction(1, 0, 2, 1, 21_000, s_recipient, 0, []));
    }

    [Fact]
    public void Eip1559_constructor_refuses_a_max_fee_whose_product_with_the_gas_limit_overflows()
    {
        Assert.Throws<ArgumentException>("maxFeePerGas", () => new Eip1559Transaction(1, 0, 1, BigInteger.One << 250, 21_000, s_recipient, 0, []));
    }

    [Fact]
    public void Eip1559_constructor_refuses_a_null_access_list_entry()
    {
        Assert.Throws<ArgumentNullException>("accessList", () => new Eip1559Transaction(1, 0, 1, 1, 21_000, s_recipient, 0, [], [null!]));
    }

    [Fact]
    public void Access_list_entry_refuses_a_key_of_31_bytes()
    {
        Assert.Throws<ArgumentException>("storageKeys", () => new AccessListEntry(s_recipient, [new byte[31]]));
    }

    [Fact]
    public void Sign_refuses_an_invalid_private_key()
    {
        var transaction = new Eip1559Transaction(1, 0, 1, 1, 21_000, s_recipient, 0, []);

        Assert.Throws<ArgumentException>("privateKey", () => transaction.Sign(new byte[32]));
    }

    [Fact]
    public void Sign_binds_the_sender_to_the_key()
    {
        var transaction = new Eip1559Transaction(1, 0, 1, 1, 21_000, null, 0, [0x60, 0x00]);

        var signed = transaction.Sign(TestKey());

        Assert.Equal(Address.Parse("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"), signed.Sender);
    }
}
