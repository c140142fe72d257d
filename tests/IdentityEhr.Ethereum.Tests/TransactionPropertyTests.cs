using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Transactions;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>Property tests of transactions: 10,000 cases each; what is signed decodes back to its signer, and the decoder never throws.</summary>
public sealed class TransactionPropertyTests
{
    private const int Cases = 10_000;
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true);

    private static Gen<byte> Bytes() => Gen.Choose(0, 255).Select(b => (byte)b);

    private static Gen<ulong> UInt64s() => Gen.Frequency(
        (2, ArbMap.Default.GeneratorFor<ulong>()),
        (2, Gen.Choose(0, 70_000).Select(v => (ulong)v)),
        (1, Gen.Elements(0UL, 1UL, 127UL, 128UL, 255UL, 256UL, ulong.MaxValue)));

    /// <summary>Unsigned integers of up to <paramref name="maxBytes"/> bytes, biased toward 0 and full width.</summary>
    private static Gen<BigInteger> UInts(int maxBytes) =>
        from length in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(maxBytes)), (3, Gen.Choose(0, maxBytes)))
        from bytes in Gen.ArrayOf(Bytes(), length)
        select new BigInteger(bytes, isUnsigned: true, isBigEndian: true);

    private static Gen<Address?> Recipients() => Gen.Frequency(
        (1, Gen.Constant<Address?>(null)),
        (4, Gen.ArrayOf(Bytes(), Address.SizeInBytes).Select(b => (Address?)Address.FromBytes(b))));

    private static Gen<byte[]> Data() => Gen.Frequency(
        (2, Gen.Constant(Array.Empty<byte>())),
        (3, from length in Gen.Choose(0, 300) from bytes in Gen.ArrayOf(Bytes(), length) select bytes));

    private static Gen<AccessListEntry[]> AccessLists() =>
        from count in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        from entries in Gen.ArrayOf(
            from address in Gen.ArrayOf(Bytes(), Address.SizeInBytes)
            from keyCount in Gen.Choose(0, 3)
            from keys in Gen.ArrayOf(Gen.ArrayOf(Bytes(), AccessListEntry.StorageKeySizeInBytes), keyCount)
            select new AccessListEntry(Address.FromBytes(address), keys),
            count)
        select entries;

    /// <summary>Gas limit and fee with a product below 2^256: any fee with a gas limit of 0 or 1, else fees up to 192 bits.</summary>
    private static Gen<(ulong GasLimit, BigInteger Fee)> GasAndFee() =>
        from gasLimit in UInt64s()
        from fee in UInts(gasLimit <= 1 ? 32 : 24)
        select (gasLimit, fee);

    private static Gen<Transaction> Legacy() =>
        from chainId in UInt64s().Select(id => Math.Max(id, 1UL))
        from nonce in UInt64s()
        from gas in GasAndFee()
        from to in Recipients()
        from value in UInts(32)
        from data in Data()
        select (Transaction)new LegacyTransaction(chainId, nonce, gas.Fee, gas.GasLimit, to, value, data);

    private static Gen<Transaction> Eip1559() =>
        from chainId in UInt64s()
        from nonce in UInt64s()
        from gas in GasAndFee()
        from priority in UInts(32).Select(p => gas.Fee.IsZero ? BigInteger.Zero : p % (gas.Fee + 1))
        from to in Recipients()
        from value in UInts(32)
        from data in Data()
        from accessList in AccessLists()
        select (Transaction)new Eip1559Transaction(chainId, nonce, priority, gas.Fee, gas.GasLimit, to, value, data, accessList);

    private static Gen<byte[]> Keys() => Gen.ArrayOf(Bytes(), Secp256k1.PrivateKeySizeInBytes).Where(key => Secp256k1.IsValidPrivateKey(key));

    [Fact]
    public void Sign_serialise_and_decode_recovers_the_signer_and_the_same_bytes()
    {
        var cases = from transaction in Gen.OneOf(Legacy(), Eip1559()) from key in Keys() select (Transaction: transaction, Key: key);
        Prop.ForAll(Arb.From(cases), c =>
        {
            var signed = c.Transaction.Sign(c.Key);
            var raw = signed.ToBytes();
            return SignedTransaction.TryDecode(raw, c.Transaction.ChainId, out var decoded, out _)
                && decoded.Sender == Address.FromPublicKey(Secp256k1.DerivePublicKey(c.Key))
                && decoded.ToBytes().AsSpan().SequenceEqual(raw)
                && decoded.GetHash().AsSpan().SequenceEqual(signed.GetHash())
                && decoded.Transaction.GetSigningHash().AsSpan().SequenceEqual(c.Transaction.GetSigningHash())
                && decoded.V == signed.V;
        }).Check(s_config);
    }

    [Fact]
    public void Decode_never_throws_on_mutated_signed_transactions()
    {
        // A pool of 200 signed transactions keeps the signing cost down; the mutations are what this property explores.
        var key = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");
        var pool = Gen.Sample(Gen.OneOf(Legacy(), Eip1559()).Select(t => t.Sign(key).ToBytes()), 200);
        var mutations =
            from raw in Gen.Elements(pool)
            from kind in Gen.Choose(0, 4)
            from position in Gen.Choose(0, raw.Length - 1)
            from value in Bytes()
            select kind switch
            {
                0 => [.. raw[..position], value, .. raw[(position + 1)..]],
                1 => [.. raw[..position], value, .. raw[position..]],
                2 => [.. raw[..position], .. raw[(position + 1)..]],
                3 => raw[..position],
                _ => (byte[])[.. raw, value],
            };
        Prop.ForAll(Arb.From(mutations), raw =>
            SignedTransaction.TryDecode(raw, null, out var decoded, out var error)
                ? error is TransactionError.None && decoded.ToBytes().AsSpan().SequenceEqual(raw)
                : error is not TransactionError.None && decoded is null).Check(s_config);
    }
}
