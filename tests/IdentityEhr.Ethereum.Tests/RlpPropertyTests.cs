using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Ethereum.Rlp;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>Property tests of the RLP codec: 10,000 cases each; the decoder never throws and accepts only canonical encodings.</summary>
public sealed class RlpPropertyTests
{
    private const int Cases = 10_000;
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true);

    /// <summary>Byte strings biased toward the encoding edges: single bytes around 0x80, lengths around 55/56 and 255/256.</summary>
    private static Gen<RlpItem> Strings() =>
        from length in Gen.Frequency(
            (4, Gen.Choose(0, 3)),
            (3, Gen.Choose(53, 58)),
            (1, Gen.Choose(250, 260)),
            (2, Gen.Choose(0, 120)))
        from bytes in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0x7e, 0x81)), (1, Gen.Choose(0, 255))).Select(b => (byte)b), length)
        select (RlpItem)new RlpString(bytes);

    /// <summary>Nested items: lists of up to 6 items, nesting shrinking with size, plus chains that reach the depth bound.</summary>
    private static Gen<RlpItem> Items(int size) => size <= 0
        ? Strings()
        : Gen.Frequency(
            (3, Strings()),
            (2, from count in Gen.Choose(0, 6)
                from items in Gen.ArrayOf(Items(size / 3), count)
                select (RlpItem)new RlpList(items)));

    private static Gen<RlpItem> AnyItem() => Gen.Frequency(
        (9, Gen.Sized(size => Items(Math.Min(size, 30)))),
        (1, from depth in Gen.Choose(1, RlpCodec.MaxDepth - 1)
            from leaf in Strings()
            select Enumerable.Range(0, depth).Aggregate(leaf, (inner, _) => new RlpList(inner))));

    /// <summary>Valid encodings with one edit: a byte replaced, inserted or deleted, the input cut short, or bytes appended.</summary>
    private static Gen<byte[]> Mutations() =>
        from item in AnyItem()
        let encoded = RlpCodec.Encode(item)
        from kind in Gen.Choose(0, 4)
        from position in Gen.Choose(0, encoded.Length - 1)
        from value in Gen.Frequency((2, Gen.Elements(0x00, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff)), (3, Gen.Choose(0, 255)))
        select kind switch
        {
            0 => [.. encoded[..position], (byte)value, .. encoded[(position + 1)..]],
            1 => [.. encoded[..position], (byte)value, .. encoded[position..]],
            2 => [.. encoded[..position], .. encoded[(position + 1)..]],
            3 => encoded[..position],
            _ => [.. encoded, (byte)value],
        };

    /// <summary>Either the input decodes to an item that re-encodes to exactly the input, or it is refused with a reason.</summary>
    private static bool DecodesCanonicallyOrIsRefused(byte[] input) =>
        RlpCodec.TryDecode(input, out var item, out var error)
            ? error is RlpError.None && RlpCodec.Encode(item).AsSpan().SequenceEqual(input)
            : error is not RlpError.None && item is null;

    [Fact]
    public void Encode_then_decode_gives_back_the_item()
    {
        Prop.ForAll(Arb.From(AnyItem()), item =>
        {
            var encoded = RlpCodec.Encode(item);
            return encoded.Length == item.EncodedLength
                && RlpCodec.TryDecode(encoded, out var decoded, out _) && decoded.Equals(item) && decoded.Depth == item.Depth;
        }).Check(s_config);
    }

    [Fact]
    public void Decode_never_throws_on_random_bytes()
    {
        var bytes = Gen.Frequency(
            (1, ArbMap.Default.GeneratorFor<byte[]>()),
            (1, from length in Gen.Choose(0, 80)
                from body in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
                select body),
            (1, from head in Gen.Elements<byte>(0xb8, 0xb9, 0xbf, 0xf8, 0xf9, 0xff, 0xc5, 0x81)
                from body in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
                select (byte[])[head, .. body]));
        Prop.ForAll(Arb.From(bytes), DecodesCanonicallyOrIsRefused).Check(s_config);
    }

    [Fact]
    public void Decode_never_throws_on_mutated_valid_encodings()
    {
        Prop.ForAll(Arb.From(Mutations()), DecodesCanonicallyOrIsRefused).Check(s_config);
    }

    [Fact]
    public void Integers_round_trip_through_FromUInt64_and_TryGetUInt64()
    {
        Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<ulong>()), value =>
            RlpString.FromUInt64(value).TryGetUInt64(out var read, out _) && read == value
            && RlpString.FromUInt64(value).Equals(RlpString.FromInteger(value))).Check(s_config);
    }
}
