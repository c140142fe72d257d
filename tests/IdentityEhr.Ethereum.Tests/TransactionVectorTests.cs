using System.Globalization;
using System.Numerics;
using System.Text.Json;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Transactions;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>
/// Transaction vectors from shared/vectors/ethereum (sources, commits and quirks in its README): the EIP-155 example
/// (transcribed), ethereum/tests ttSignature/Vitalik_1..17 and ttEIP1559 (copies), the ethers.js transaction subset, and five
/// transactions that anvil accepted and mined (generated).
/// </summary>
public sealed class TransactionVectorTests
{
    private const string Eip155Example = "transcribed/eip155-example.json";
    private const string Generated = "generated/transactions-generated.json";
    private const string EthersSubset = "ethers-testcases/transaction-subset.json";

    /// <summary>What each ttEIP1559 exception (Cancun rules) means in our terms.</summary>
    private static readonly Dictionary<string, TransactionError> s_eip1559Exceptions = new(StringComparer.Ordinal)
    {
        ["TransactionException.GASLIMIT_PRICE_PRODUCT_OVERFLOW"] = TransactionError.GasFeeProductOverflow,
        ["TransactionException.RLP_LEADING_ZEROS_BASEFEE"] = TransactionError.NonCanonicalInteger,
        ["TransactionException.RLP_LEADING_ZEROS_PRIORITY_FEE"] = TransactionError.NonCanonicalInteger,
        ["TransactionException.GASPRICE_OVERFLOW"] = TransactionError.ValueOutOfRange,
        ["TransactionException.PRIORITY_OVERFLOW"] = TransactionError.ValueOutOfRange,
        ["TransactionException.PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2"] = TransactionError.PriorityFeeAboveMaxFee,
    };

    public static TheoryData<int> VitalikValid() => new(Enumerable.Range(1, 17).Where(i => CancunResult(Vitalik(i)).TryGetProperty("hash", out _)));

    public static TheoryData<int> VitalikOtherChain() => new(Enumerable.Range(1, 17).Where(i =>
        CancunResult(Vitalik(i)).TryGetProperty("exception", out var e) && e.GetString() == "TransactionException.INVALID_CHAINID"));

    public static TheoryData<string> Eip1559Refused() => new(Eip1559Files().Where(f => CancunResult(Eip1559(f)).TryGetProperty("exception", out _)));

    public static TheoryData<string> Eip1559Valid() => new(Eip1559Files().Where(f => CancunResult(Eip1559(f)).TryGetProperty("hash", out _)));

    public static TheoryData<string> GeneratedNames() => new(Read(Generated).GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));

    public static TheoryData<string> EthersNames() => new(Read(EthersSubset).EnumerateArray().Select(t => t.GetProperty("name").GetString()!));

    public static TheoryData<string> EthersEip155() => new(EthersNamesWhere(t => LegacyChainId(t) != 0));

    public static TheoryData<string> EthersEip155ChainZero() => new(EthersNamesWhere(t => LegacyChainId(t) == 0));

    // ---- EIP-155 example (transcribed) ----

    [Fact]
    public void Eip155_example_has_the_spec_signing_data()
    {
        Assert.Equal(Convert.ToHexString(Hex(Read(Eip155Example), "signingData")), Convert.ToHexString(Eip155ExampleTransaction().GetSigningPayload()));
    }

    [Fact]
    public void Eip155_example_has_the_spec_signing_hash()
    {
        Assert.Equal(Convert.ToHexString(Hex(Read(Eip155Example), "signingHash")), Convert.ToHexString(Eip155ExampleTransaction().GetSigningHash()));
    }

    [Fact]
    public void Eip155_example_signs_to_the_spec_v_r_and_s()
    {
        var vector = Read(Eip155Example);

        var signed = Eip155ExampleTransaction().Sign(Hex(vector, "privateKey"));

        Assert.Equal(
            (new BigInteger(vector.GetProperty("v").GetInt32()), Decimal(vector, "r"), Decimal(vector, "s")),
            (signed.V, signed.R, signed.S));
    }

    [Fact]
    public void Eip155_example_signs_to_the_spec_raw_transaction()
    {
        var vector = Read(Eip155Example);

        var signed = Eip155ExampleTransaction().Sign(Hex(vector, "privateKey"));

        Assert.Equal(Convert.ToHexString(Hex(vector, "signedTx")), Convert.ToHexString(signed.ToBytes()));
    }

    [Fact]
    public void Eip155_example_signs_to_the_derived_transaction_hash()
    {
        var vector = Read(Eip155Example);

        var signed = Eip155ExampleTransaction().Sign(Hex(vector, "privateKey"));

        Assert.Equal(Convert.ToHexString(Hex(vector.GetProperty("derived"), "txHash")), Convert.ToHexString(signed.GetHash()));
    }

    [Fact]
    public void Eip155_example_decodes_to_its_sender()
    {
        var vector = Read(Eip155Example);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "signedTx"), 1, out var signed, out var error), error.ToString());
        Assert.Equal(vector.GetProperty("derived").GetProperty("from").GetString(), signed.Sender.ToChecksumString());
    }

    // ---- ethereum/tests ttSignature (Vitalik_1..17) ----

    [Theory]
    [MemberData(nameof(VitalikValid))]
    public void Vitalik_vectors_valid_on_mainnet_decode_to_their_hash(int number)
    {
        var vector = Vitalik(number);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "txbytes"), 1, out var signed, out var error), error.ToString());
        Assert.Equal(Convert.ToHexString(Hex(CancunResult(vector), "hash")), Convert.ToHexString(signed.GetHash()));
    }

    [Theory]
    [MemberData(nameof(VitalikValid))]
    public void Vitalik_vectors_valid_on_mainnet_recover_their_sender(int number)
    {
        var vector = Vitalik(number);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "txbytes"), 1, out var signed, out var error), error.ToString());
        Assert.Equal(CancunResult(vector).GetProperty("sender").GetString(), signed.Sender.ToString());
    }

    [Theory]
    [MemberData(nameof(VitalikValid))]
    public void Vitalik_vectors_valid_on_mainnet_re_encode_to_the_same_bytes(int number)
    {
        var raw = Hex(Vitalik(number), "txbytes");

        Assert.True(SignedTransaction.TryDecode(raw, 1, out var signed, out var error), error.ToString());
        Assert.Equal(Convert.ToHexString(raw), Convert.ToHexString(signed.ToBytes()));
    }

    [Theory]
    [InlineData(1, 1UL)]
    [InlineData(11, 1UL)]
    [InlineData(12, null)]
    [InlineData(13, null)]
    [InlineData(14, null)]
    public void Vitalik_vectors_carry_chain_1_or_no_chain_id_before_eip155(int number, ulong? chainId)
    {
        Assert.True(SignedTransaction.TryDecode(Hex(Vitalik(number), "txbytes"), 1, out var signed, out var error), error.ToString());
        Assert.Equal(chainId, signed.Transaction.ChainId);
    }

    [Theory]
    [MemberData(nameof(VitalikOtherChain))]
    public void Vitalik_vectors_for_chain_3_are_refused_when_chain_1_is_expected(int number)
    {
        var accepted = SignedTransaction.TryDecode(Hex(Vitalik(number), "txbytes"), 1, out _, out var error);

        Assert.Equal((false, TransactionError.WrongChainId), (accepted, error));
    }

    [Theory]
    [MemberData(nameof(VitalikOtherChain))]
    public void Vitalik_vectors_for_chain_3_decode_when_chain_3_is_expected(int number)
    {
        Assert.True(SignedTransaction.TryDecode(Hex(Vitalik(number), "txbytes"), 3, out var signed, out var error), error.ToString());
        Assert.Equal(3UL, signed.Transaction.ChainId);
    }

    // ---- ethereum/tests ttEIP1559 ----

    [Theory]
    [MemberData(nameof(Eip1559Refused))]
    public void Eip1559_vectors_invalid_on_mainnet_are_refused_for_their_reason(string file)
    {
        var vector = Eip1559(file);
        var expected = s_eip1559Exceptions[CancunResult(vector).GetProperty("exception").GetString()!];

        var accepted = SignedTransaction.TryDecode(Hex(vector, "txbytes"), 1, out _, out var error);

        Assert.Equal((false, expected), (accepted, error));
    }

    [Theory]
    [MemberData(nameof(Eip1559Valid))]
    public void Eip1559_vectors_valid_on_mainnet_decode_to_their_hash_and_sender(string file)
    {
        var vector = Eip1559(file);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "txbytes"), 1, out var signed, out var error), error.ToString());
        Assert.Equal(
            (Convert.ToHexString(Hex(CancunResult(vector), "hash")), CancunResult(vector).GetProperty("sender").GetString()),
            (Convert.ToHexString(signed.GetHash()), signed.Sender.ToString()));
    }

    [Fact]
    public void Eip1559_vector_files_are_all_classified()
    {
        Assert.Equal((8, 1), (Eip1559Refused().Count, Eip1559Valid().Count));
    }

    // ---- generated (ethers 6.17.0, accepted and mined by anvil 1.7.1) ----

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void Generated_transactions_have_the_vector_unsigned_serialisation(string name)
    {
        var vector = GeneratedVector(name);

        Assert.Equal(Convert.ToHexString(Hex(vector, "unsignedSerialized")), Convert.ToHexString(FromGeneratedFields(vector.GetProperty("fields")).GetSigningPayload()));
    }

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void Generated_transactions_have_the_vector_signing_hash(string name)
    {
        var vector = GeneratedVector(name);

        Assert.Equal(Convert.ToHexString(Hex(vector, "signingHash")), Convert.ToHexString(FromGeneratedFields(vector.GetProperty("fields")).GetSigningHash()));
    }

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void Generated_transactions_sign_to_the_vector_signature(string name)
    {
        var vector = GeneratedVector(name);
        var signature = vector.GetProperty("signature");

        var signed = FromGeneratedFields(vector.GetProperty("fields")).Sign(Hex(vector, "privateKey"));

        Assert.Equal(
            (signature.GetProperty("yParity").GetInt32(), Unsigned(signature, "r"), Unsigned(signature, "s")),
            (signed.YParity, signed.R, signed.S));
    }

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void Generated_transactions_sign_to_the_raw_transaction_anvil_accepted(string name)
    {
        var vector = GeneratedVector(name);

        var signed = FromGeneratedFields(vector.GetProperty("fields")).Sign(Hex(vector, "privateKey"));

        Assert.Equal(Convert.ToHexString(Hex(vector, "signedRaw")), Convert.ToHexString(signed.ToBytes()));
    }

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void Generated_transactions_sign_to_the_hash_anvil_returned(string name)
    {
        var vector = GeneratedVector(name);

        var signed = FromGeneratedFields(vector.GetProperty("fields")).Sign(Hex(vector, "privateKey"));

        Assert.Equal(Convert.ToHexString(Hex(vector.GetProperty("anvil"), "acceptedHash")), Convert.ToHexString(signed.GetHash()));
    }

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void Generated_raw_transactions_decode_to_their_sender(string name)
    {
        var vector = GeneratedVector(name);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "signedRaw"), 1337, out var signed, out var error), error.ToString());
        Assert.Equal(vector.GetProperty("from").GetString(), signed.Sender.ToChecksumString());
    }

    [Fact]
    public void Generated_legacy_transaction_has_v_2710()
    {
        var vector = GeneratedVector("eip155-legacy-transfer");

        var signed = FromGeneratedFields(vector.GetProperty("fields")).Sign(Hex(vector, "privateKey"));

        Assert.Equal(BigInteger.Parse(vector.GetProperty("signature").GetProperty("networkV").GetString()!, CultureInfo.InvariantCulture), signed.V);
    }

    [Fact]
    public void Generated_contract_creation_decodes_with_no_recipient()
    {
        Assert.True(SignedTransaction.TryDecode(Hex(GeneratedVector("eip1559-contract-creation"), "signedRaw"), 1337, out var signed, out var error), error.ToString());
        Assert.Null(signed.Transaction.To);
    }

    // ---- ethers.js transaction subset ----

    [Theory]
    [MemberData(nameof(EthersEip155))]
    public void Ethers_eip155_cases_have_the_vector_unsigned_serialisation(string name)
    {
        var vector = EthersVector(name);

        Assert.Equal(Convert.ToHexString(Hex(vector, "unsignedEip155")), Convert.ToHexString(EthersLegacy(vector.GetProperty("transaction")).GetSigningPayload()));
    }

    [Theory]
    [MemberData(nameof(EthersEip155))]
    public void Ethers_eip155_cases_sign_to_the_vector_raw_transaction(string name)
    {
        var vector = EthersVector(name);

        var signed = EthersLegacy(vector.GetProperty("transaction")).Sign(Hex(vector, "privateKey"));

        Assert.Equal(Convert.ToHexString(Hex(vector, "signedEip155")), Convert.ToHexString(signed.ToBytes()));
    }

    [Theory]
    [MemberData(nameof(EthersEip155))]
    public void Ethers_eip155_cases_decode_to_the_key_address(string name)
    {
        var vector = EthersVector(name);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "signedEip155"), LegacyChainId(vector.GetProperty("transaction")), out var signed, out var error), error.ToString());
        Assert.Equal(KeyAddress(vector), signed.Sender);
    }

    [Theory]
    [MemberData(nameof(EthersEip155ChainZero))]
    public void Ethers_eip155_cases_with_chain_id_0_are_refused(string name)
    {
        // v = 35/36 would mean chain id 0; ethers 6.17 refuses these too ("non-canonical legacy v"), see the vectors README.
        var accepted = SignedTransaction.TryDecode(Hex(EthersVector(name), "signedEip155"), null, out _, out var error);

        Assert.Equal((false, TransactionError.InvalidV), (accepted, error));
    }

    [Fact]
    public void Ethers_subset_has_8_eip155_cases_with_chain_id_0()
    {
        Assert.Equal(8, EthersEip155ChainZero().Count);
    }

    [Theory]
    [MemberData(nameof(EthersNames))]
    public void Ethers_london_cases_have_the_vector_unsigned_serialisation(string name)
    {
        var vector = EthersVector(name);

        Assert.Equal(Convert.ToHexString(Hex(vector, "unsignedLondon")), Convert.ToHexString(EthersLondon(vector.GetProperty("transaction")).GetSigningPayload()));
    }

    [Theory]
    [MemberData(nameof(EthersNames))]
    public void Ethers_london_cases_sign_to_the_vector_raw_transaction(string name)
    {
        var vector = EthersVector(name);

        var signed = EthersLondon(vector.GetProperty("transaction")).Sign(Hex(vector, "privateKey"));

        Assert.Equal(Convert.ToHexString(Hex(vector, "signedLondon")), Convert.ToHexString(signed.ToBytes()));
    }

    [Theory]
    [MemberData(nameof(EthersNames))]
    public void Ethers_london_cases_decode_to_the_key_address(string name)
    {
        var vector = EthersVector(name);

        Assert.True(SignedTransaction.TryDecode(Hex(vector, "signedLondon"), LondonChainId(vector.GetProperty("transaction")), out var signed, out var error), error.ToString());
        Assert.Equal(KeyAddress(vector), signed.Sender);
    }

    [Theory]
    [MemberData(nameof(EthersNames))]
    public void Ethers_berlin_cases_are_refused_as_an_unsupported_type(string name)
    {
        var accepted = SignedTransaction.TryDecode(Hex(EthersVector(name), "signedBerlin"), null, out _, out var error);

        Assert.Equal((false, TransactionError.UnsupportedType), (accepted, error));
    }

    // ---- helpers ----

    private static LegacyTransaction Eip155ExampleTransaction()
    {
        var tx = Read(Eip155Example).GetProperty("tx");
        return new LegacyTransaction(
            tx.GetProperty("chainId").GetUInt64(),
            tx.GetProperty("nonce").GetUInt64(),
            Decimal(tx, "gasPrice"),
            tx.GetProperty("gasLimit").GetUInt64(),
            Address.Parse(tx.GetProperty("to").GetString()!),
            Decimal(tx, "value"),
            Hex(tx, "data"));
    }

    private static JsonElement Vitalik(int number) =>
        Read($"ethereum-tests/TransactionTests/ttSignature/Vitalik_{number}.json").GetProperty($"Vitalik_{number}");

    private static IEnumerable<string> Eip1559Files() =>
    [
        "GasLimitPriceProductOverflow", "GasLimitPriceProductOverflowtMinusOne", "GasLimitPriceProductPlusOneOverflow",
        "maxFeePerGas00prefix", "maxFeePerGas32BytesValue", "maxFeePerGasOverflow", "maxPriorityFeePerGas00prefix",
        "maxPriorityFeePerGasOverflow", "maxPriorityFeePerGass32BytesValue",
    ];

    /// <summary>The one test in a ttEIP1559 file (its name inside the file can differ from the file name).</summary>
    private static JsonElement Eip1559(string file) =>
        Read($"ethereum-tests/TransactionTests/ttEIP1559/{file}.json").EnumerateObject().Single().Value;

    /// <summary>The expectation under the newest fork in these files, whose rules mainnet follows.</summary>
    private static JsonElement CancunResult(JsonElement vector) => vector.GetProperty("result").GetProperty("Cancun");

    private static JsonElement GeneratedVector(string name) =>
        Read(Generated).GetProperty("transactions").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    private static Transaction FromGeneratedFields(JsonElement fields)
    {
        var to = fields.GetProperty("to").ValueKind is JsonValueKind.Null ? (Address?)null : Address.Parse(fields.GetProperty("to").GetString()!);
        return fields.GetProperty("type").GetInt32() switch
        {
            0 => new LegacyTransaction(
                (ulong)Unsigned(fields, "chainId"), fields.GetProperty("nonce").GetUInt64(), Unsigned(fields, "gasPrice"),
                (ulong)Unsigned(fields, "gasLimit"), to, Unsigned(fields, "value"), Hex(fields, "data")),
            _ => new Eip1559Transaction(
                (ulong)Unsigned(fields, "chainId"), fields.GetProperty("nonce").GetUInt64(), Unsigned(fields, "maxPriorityFeePerGas"),
                Unsigned(fields, "maxFeePerGas"), (ulong)Unsigned(fields, "gasLimit"), to, Unsigned(fields, "value"), Hex(fields, "data"),
                AccessList(fields)),
        };
    }

    private static JsonElement EthersVector(string name) =>
        Read(EthersSubset).EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    private static IEnumerable<string> EthersNamesWhere(Func<JsonElement, bool> predicate) =>
        Read(EthersSubset).EnumerateArray().Where(t => predicate(t.GetProperty("transaction"))).Select(t => t.GetProperty("name").GetString()!);

    /// <summary>ethers' test generator uses chain id 0 for a missing chainId in its EIP-155 forms...</summary>
    private static ulong LegacyChainId(JsonElement tx) => tx.TryGetProperty("chainId", out _) ? (ulong)Unsigned(tx, "chainId") : 0;

    /// <summary>...but chain id 1 for a missing chainId in its typed forms (masked-* cases: unsignedLondon starts 0x02c901).</summary>
    private static ulong LondonChainId(JsonElement tx) => tx.TryGetProperty("chainId", out _) ? (ulong)Unsigned(tx, "chainId") : 1;

    private static LegacyTransaction EthersLegacy(JsonElement tx) => new(
        LegacyChainId(tx), Nonce(tx), Unsigned(tx, "gasPrice"), (ulong)Unsigned(tx, "gasLimit"), EthersTo(tx), Unsigned(tx, "value"), EthersData(tx));

    private static Eip1559Transaction EthersLondon(JsonElement tx) => new(
        LondonChainId(tx), Nonce(tx), Unsigned(tx, "maxPriorityFeePerGas"), Unsigned(tx, "maxFeePerGas"), (ulong)Unsigned(tx, "gasLimit"),
        EthersTo(tx), Unsigned(tx, "value"), EthersData(tx), AccessList(tx));

    private static ulong Nonce(JsonElement tx) => tx.TryGetProperty("nonce", out var nonce) ? nonce.GetUInt64() : 0;

    private static Address? EthersTo(JsonElement tx) => tx.TryGetProperty("to", out var to) ? Address.Parse(to.GetString()!) : null;

    private static byte[] EthersData(JsonElement tx) => tx.TryGetProperty("data", out _) ? Hex(tx, "data") : [];

    private static Address KeyAddress(JsonElement vector) => Address.FromPublicKey(Secp256k1.DerivePublicKey(Hex(vector, "privateKey")));

    private static List<AccessListEntry> AccessList(JsonElement tx) => tx.TryGetProperty("accessList", out var list)
        ? [.. list.EnumerateArray().Select(entry => new AccessListEntry(
            Address.Parse(entry.GetProperty("address").GetString()!),
            entry.GetProperty("storageKeys").EnumerateArray().Select(key => Hex(key.GetString()!))))]
        : [];

    /// <summary>A hex quantity: "0x" alone (or a missing member) is 0; leading zero digits are allowed.</summary>
    private static BigInteger Unsigned(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) && value.GetString() is ['0', 'x', .. var digits] && digits.Length > 0
            ? BigInteger.Parse("0" + digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : BigInteger.Zero;

    private static BigInteger Decimal(JsonElement element, string member) =>
        BigInteger.Parse(element.GetProperty(member).GetString()!, CultureInfo.InvariantCulture);
}
