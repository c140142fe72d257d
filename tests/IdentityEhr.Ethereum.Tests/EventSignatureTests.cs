using IdentityEhr.Ethereum.Abi;
using IdentityEhr.Ethereum.Crypto;

namespace IdentityEhr.Ethereum.Tests;

public sealed class EventSignatureTests
{
    private static readonly EventSignature s_anchored = EventSignature.Parse("Anchored(uint64 indexed seq, bytes32 indexed root, uint64 treeSize)");
    private static readonly byte[] s_root = Keccak256.HashData("root"u8);

    private static byte[] Word(ulong value)
    {
        var word = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(word.AsSpan(24), value);
        return word;
    }

    private static byte[][] AnchoredTopics(ulong seq) => [s_anchored.Topic0.ToArray(), Word(seq), s_root];

    [Fact]
    public void Parse_reads_indexed_flags_and_names()
    {
        Assert.Equal(
            [new EventParameter("seq", AbiType.Parse("uint64"), true), new EventParameter("root", AbiFixedBytesType.Bytes32, true), new EventParameter("treeSize", AbiType.Parse("uint64"), false)],
            s_anchored.Parameters);
    }

    [Fact]
    public void Signature_leaves_out_names_and_indexed()
    {
        Assert.Equal("Anchored(uint64,bytes32,uint64)", s_anchored.Signature);
    }

    [Fact]
    public void TryDecodeLog_reads_indexed_fields_from_topics_and_the_rest_from_data()
    {
        Assert.True(s_anchored.TryDecodeLog(AnchoredTopics(5), Word(1024), out var fields, out _));
        Assert.Equal(
            new Dictionary<string, AbiValue> { ["seq"] = new AbiInteger(5), ["root"] = new AbiBytes(s_root), ["treeSize"] = new AbiInteger(1024) },
            fields);
    }

    [Fact]
    public void TryDecodeLog_refuses_another_events_topic0()
    {
        byte[][] topics = [Keccak256.HashData("Other(uint64,bytes32,uint64)"u8), Word(5), s_root];

        Assert.Equal((false, AbiError.EventTopicMismatch), (s_anchored.TryDecodeLog(topics, Word(1024), out _, out var error), error));
    }

    [Fact]
    public void TryDecodeLog_refuses_a_missing_indexed_topic()
    {
        byte[][] topics = [s_anchored.Topic0.ToArray(), Word(5)];

        Assert.Equal((false, AbiError.TopicCountMismatch), (s_anchored.TryDecodeLog(topics, Word(1024), out _, out var error), error));
    }

    [Fact]
    public void TryDecodeLog_refuses_a_log_without_topics()
    {
        Assert.Equal((false, AbiError.TopicCountMismatch), (s_anchored.TryDecodeLog([], Word(1024), out _, out var error), error));
    }

    [Fact]
    public void TryDecodeLog_refuses_a_short_topic()
    {
        byte[][] topics = [s_anchored.Topic0.ToArray(), Word(5), s_root[..31]];

        Assert.Equal((false, AbiError.MalformedTopic), (s_anchored.TryDecodeLog(topics, Word(1024), out _, out var error), error));
    }

    [Fact]
    public void TryDecodeLog_refuses_an_indexed_integer_with_dirty_padding()
    {
        var topics = AnchoredTopics(5);
        topics[1][0] = 1;

        Assert.Equal((false, AbiError.DirtyPadding), (s_anchored.TryDecodeLog(topics, Word(1024), out _, out var error), error));
    }

    [Fact]
    public void TryDecodeLog_refuses_data_with_trailing_bytes()
    {
        Assert.Equal((false, AbiError.TrailingData), (s_anchored.TryDecodeLog(AnchoredTopics(5), [.. Word(1024), 0], out _, out var error), error));
    }

    [Fact]
    public void TryDecodeLog_gives_the_hash_of_an_indexed_string()
    {
        var named = EventSignature.Parse("Named(string indexed name)");
        var hash = Keccak256.HashData("alice"u8);

        Assert.True(named.TryDecodeLog([named.Topic0.ToArray(), hash], [], out var fields, out _));
        Assert.Equal(new AbiBytes(hash), fields["name"]);
    }

    [Fact]
    public void TryDecodeLog_keys_unnamed_parameters_by_position()
    {
        var unnamed = EventSignature.Parse("Pair(address indexed,bool)");
        var address = new byte[32];
        address[31] = 7;

        Assert.True(unnamed.TryDecodeLog([unnamed.Topic0.ToArray(), address], Word(1), out var fields, out _));
        Assert.Equal(["0", "1"], fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Anonymous_events_take_their_indexed_fields_from_the_first_topic()
    {
        var anonymous = EventSignature.Parse("Ping(uint64 indexed n) anonymous");

        Assert.True(anonymous.TryDecodeLog([Word(9)], [], out var fields, out _));
        Assert.Equal(new AbiInteger(9), fields["n"]);
    }

    [Theory]
    [InlineData("E(uint8 indexed a, uint8 indexed b, uint8 indexed c, uint8 indexed d)", AbiSyntaxError.TooManyIndexed)]
    [InlineData("E(uint8 a, bool a)", AbiSyntaxError.DuplicateName)]
    [InlineData("E(uint8 indexed a) returns (bool)", AbiSyntaxError.Malformed)]
    [InlineData("E(uint8 indexed indexed)", AbiSyntaxError.InvalidName)]
    [InlineData("e-vent(uint8)", AbiSyntaxError.Malformed)]
    public void TryParse_refuses_with_the_reason(string text, AbiSyntaxError reason)
    {
        Assert.Equal((false, reason), (EventSignature.TryParse(text, out _, out var error), error));
    }

    [Fact]
    public void Anonymous_events_may_index_four_parameters()
    {
        Assert.True(EventSignature.TryParse("E(uint8 indexed a, uint8 indexed b, uint8 indexed c, uint8 indexed d) anonymous", out _, out _));
    }

    [Fact]
    public void Create_with_duplicate_names_throws()
    {
        var parameter = new EventParameter("a", AbiBoolType.Instance, false);

        Assert.Throws<ArgumentException>("parameters", () => EventSignature.Create("E", [parameter, parameter]));
    }

    [Fact]
    public void Parameter_with_an_invalid_name_throws()
    {
        Assert.Throws<ArgumentException>("name", () => new EventParameter("a b", AbiBoolType.Instance, false));
    }

    [Fact]
    public void TryDecodeLog_with_null_topics_throws()
    {
        Assert.Throws<ArgumentNullException>("topics", () => s_anchored.TryDecodeLog(null!, [], out _, out _));
    }
}
