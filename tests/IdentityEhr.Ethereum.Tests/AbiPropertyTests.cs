using System.Buffers.Binary;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Ethereum.Abi;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>Property tests over the ABI codec and parsers: 10,000 cases each; none may throw on untrusted input.</summary>
public sealed class AbiPropertyTests
{
    private const int Cases = 10_000;
    private const int MaxDepth = 3;
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true);
    private static readonly Gen<byte> s_byte = Gen.Choose(0, 255).Select(i => (byte)i);

    private static readonly EventSignature s_attributeChanged =
        EventSignature.Parse("DIDAttributeChanged(address indexed identity, bytes32 name, bytes value, uint256 validTo, uint256 previousChange)");

    private static Gen<AbiType> Elementary() => Gen.OneOf(
        Gen.Choose(1, 32).Select(n => (AbiType)new AbiIntegerType(n * 8, isSigned: false)),
        Gen.Choose(1, 32).Select(n => (AbiType)new AbiIntegerType(n * 8, isSigned: true)),
        Gen.Constant<AbiType>(AbiAddressType.Instance),
        Gen.Constant<AbiType>(AbiBoolType.Instance),
        Gen.Choose(1, 32).Select(n => (AbiType)new AbiFixedBytesType(n)),
        Gen.Constant<AbiType>(AbiBytesType.Instance),
        Gen.Constant<AbiType>(AbiStringType.Instance));

    /// <summary>Random types: elementary, or arrays, fixed arrays and tuples nested up to <paramref name="depth"/> levels.</summary>
    private static Gen<AbiType> Type(int depth) => depth == 0 ? Elementary() : Gen.Frequency(
        (3, Elementary()),
        (1, Type(depth - 1).Select(e => (AbiType)new AbiArrayType(e))),
        (1, from e in Type(depth - 1) from k in Gen.Choose(1, 3) select (AbiType)new AbiFixedArrayType(e, k)),
        (1, Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Type(depth - 1), n)).Select(c => (AbiType)new AbiTupleType(c))));

    private static Gen<BigInteger> Integer(AbiIntegerType type)
    {
        var max = type.IsSigned ? (BigInteger.One << (type.Bits - 1)) - 1 : (BigInteger.One << type.Bits) - 1;
        var min = type.IsSigned ? -(BigInteger.One << (type.Bits - 1)) : BigInteger.Zero;
        return Gen.Frequency(
            (3, Gen.ArrayOf(s_byte, type.Bits / 8).Select(b => new BigInteger(b, isUnsigned: !type.IsSigned, isBigEndian: true))),
            (1, Gen.Elements(min, max, BigInteger.Zero, BigInteger.One, type.IsSigned ? BigInteger.MinusOne : max - 1)));
    }

    private static Gen<AbiValue> Value(AbiType type) => type switch
    {
        AbiIntegerType integer => Integer(integer).Select(v => (AbiValue)new AbiInteger(v)),
        AbiAddressType => Gen.ArrayOf(s_byte, Address.SizeInBytes).Select(b => (AbiValue)new AbiAddress(Address.FromBytes(b))),
        AbiBoolType => Gen.Elements(true, false).Select(b => (AbiValue)new AbiBool(b)),
        AbiFixedBytesType fixedBytes => Gen.ArrayOf(s_byte, fixedBytes.Length).Select(b => (AbiValue)new AbiBytes(b)),
        AbiBytesType => Gen.Choose(0, 70).SelectMany(n => Gen.ArrayOf(s_byte, n)).Select(b => (AbiValue)new AbiBytes(b)),
        AbiStringType => Gen.ArrayOf(Gen.Elements("a", "Z", " ", "é", "€", "😀", "\u0000", "\n")).Select(p => (AbiValue)new AbiString(string.Concat(p))),
        AbiArrayType array => Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Value(array.Element), n)).Select(items => (AbiValue)new AbiList(items)),
        AbiFixedArrayType array => Gen.ArrayOf(Value(array.Element), array.Length).Select(items => (AbiValue)new AbiList(items)),
        AbiTupleType tuple => Gen.CollectToArray(tuple.Components.Select(Value)).Select(items => (AbiValue)new AbiList(items)),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static Gen<AbiType[]> Types() => Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Type(MaxDepth), n));

    private static Gen<(AbiType[] Types, AbiValue[] Values)> Encodable() =>
        from types in Types()
        from values in Gen.CollectToArray(types.Select(Value))
        select (types, values);

    /// <summary>Words that matter to a decoder: zeros, small numbers and offsets, huge numbers, all ones, random words.</summary>
    private static Gen<byte[]> Word() => Gen.Frequency(
        (2, Gen.Choose(0, 12).Select(n => BigWord((ulong)n * 32))),
        (2, Gen.Choose(0, 300).Select(n => BigWord((ulong)n))),
        (1, Gen.Constant(new byte[32])),
        (1, Gen.Constant(Enumerable.Repeat((byte)0xff, 32).ToArray())),
        (1, Gen.Elements(1UL << 32, uint.MaxValue, ulong.MaxValue).Select(BigWord)),
        (2, Gen.ArrayOf(s_byte, 32)));

    private static byte[] BigWord(ulong value)
    {
        var word = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(word.AsSpan(24), value);
        return word;
    }

    /// <summary>One random change to a valid encoding: a byte, a whole word, a cut, extra bytes, or an inserted or removed word.</summary>
    private static Gen<byte[]> Mutation(byte[] encoded)
    {
        var words = encoded.Length / 32;
        var mutations = new List<Gen<byte[]>>
        {
            Gen.Choose(0, encoded.Length).Select(n => encoded[..n]),
            Gen.Choose(1, 64).SelectMany(n => Gen.ArrayOf(s_byte, n)).Select(extra => (byte[])[.. encoded, .. extra]),
            Gen.Choose(0, words).Select(i => (byte[])[.. encoded[..(i * 32)], .. new byte[32], .. encoded[(i * 32)..]]),
        };
        if (encoded.Length > 0)
        {
            mutations.Add(
                from position in Gen.Choose(0, encoded.Length - 1)
                from value in s_byte
                select Replaced(encoded, position, [value]));
        }

        if (words > 0)
        {
            mutations.Add(
                from index in Gen.Choose(0, words - 1)
                from word in Word()
                select Replaced(encoded, index * 32, word));
            mutations.Add(Gen.Choose(0, words - 1).Select(i => (byte[])[.. encoded[..(i * 32)], .. encoded[((i + 1) * 32)..]]));
        }

        return Gen.OneOf(mutations);
    }

    private static byte[] Replaced(byte[] original, int position, byte[] replacement)
    {
        var copy = (byte[])original.Clone();
        replacement.CopyTo(copy.AsSpan(position));
        return copy;
    }

    /// <summary>The strict decoder's contract: it refuses with a reason, or what it accepts re-encodes to exactly the input.</summary>
    private static bool DecodesCanonicallyOrRefuses(AbiType[] types, byte[] data) =>
        AbiCodec.TryDecode(types, data, out var values, out var error)
            ? error == AbiError.None && AbiCodec.Encode(types, values).AsSpan().SequenceEqual(data)
            : error != AbiError.None;

    [Fact]
    public void Encoded_values_decode_to_themselves_and_re_encode_identically()
    {
        Prop.ForAll(Arb.From(Encodable()), sample =>
        {
            var encoded = AbiCodec.Encode(sample.Types, sample.Values);
            return AbiCodec.TryDecode(sample.Types, encoded, out var decoded, out _)
                && decoded.SequenceEqual(sample.Values)
                && AbiCodec.Encode(sample.Types, decoded).AsSpan().SequenceEqual(encoded);
        }).Check(s_config);
    }

    [Fact]
    public void Decoder_never_throws_on_random_words()
    {
        var sample =
            from types in Types()
            from words in Gen.Choose(0, 24).SelectMany(n => Gen.ArrayOf(Word(), n))
            from extra in Gen.Frequency((5, Gen.Constant(0)), (1, Gen.Choose(1, 31)))
            select (types, (byte[])[.. words.SelectMany(w => w), .. new byte[extra]]);
        Prop.ForAll(Arb.From(sample), s => DecodesCanonicallyOrRefuses(s.types, s.Item2)).Check(s_config);
    }

    [Fact]
    public void Decoder_never_throws_on_random_bytes()
    {
        var sample =
            from types in Types()
            from data in Gen.Choose(0, 400).SelectMany(n => Gen.ArrayOf(s_byte, n))
            select (types, data);
        Prop.ForAll(Arb.From(sample), s => DecodesCanonicallyOrRefuses(s.types, s.data)).Check(s_config);
    }

    [Fact]
    public void Decoder_never_throws_on_mutated_valid_encodings()
    {
        var sample =
            from valid in Encodable()
            from mutated in Mutation(AbiCodec.Encode(valid.Types, valid.Values))
            select (valid.Types, mutated);
        Prop.ForAll(Arb.From(sample), s => DecodesCanonicallyOrRefuses(s.Types, s.mutated)).Check(s_config);
    }

    [Fact]
    public void Log_decoder_never_throws_on_mutated_logs()
    {
        var valid = AbiCodec.Encode(
            [AbiFixedBytesType.Bytes32, AbiBytesType.Instance, AbiIntegerType.UInt256, AbiIntegerType.UInt256],
            [new AbiBytes(new byte[32]), new AbiBytes([1, 2, 3]), new AbiInteger(86_400), new AbiInteger(3)]);
        var topic = Gen.Frequency((4, Gen.Constant(s_attributeChanged.Topic0.ToArray())), (4, Word()), (1, Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(s_byte, n))));
        var sample =
            from topics in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(topic, n))
            from data in Mutation(valid)
            select (topics, data);
        Prop.ForAll(Arb.From(sample), s =>
            s_attributeChanged.TryDecodeLog(s.topics, s.data, out var fields, out var error)
                ? error == AbiError.None && fields.Count == s_attributeChanged.Parameters.Count
                : error != AbiError.None)
            .Check(s_config);
    }

    [Fact]
    public void Canonical_type_text_parses_back_to_the_same_type()
    {
        Prop.ForAll(Arb.From(Type(MaxDepth + 1)), type =>
            AbiType.TryParse(type.ToString(), out var parsed, out _) && parsed.Equals(type) && parsed.ToString() == type.ToString())
            .Check(s_config);
    }

    [Fact]
    public void Type_parser_never_throws_and_prints_what_it_accepts_canonically()
    {
        var token = Gen.Elements("uint", "int", "8", "256", "0", "7", "bytes", "32", "33", "address", "bool", "string", "(", ")", ",", "[", "]", "[2]", "[]", " ", "fixed", "x", "é");
        var text = Gen.OneOf(
            Gen.ArrayOf(token).Select(string.Concat),
            Type(MaxDepth).SelectMany(t => Gen.Choose(0, t.ToString().Length).SelectMany(cut => token.Select(tok => t.ToString().Insert(cut, tok)))),
            ArbMap.Default.GeneratorFor<string>());
        Prop.ForAll(Arb.From(text), t =>
            AbiType.TryParse(t, out var type, out var error)
                ? error == AbiSyntaxError.None && AbiType.Parse(type.ToString()).ToString() == type.ToString()
                : error != AbiSyntaxError.None)
            .Check(s_config);
    }
}
