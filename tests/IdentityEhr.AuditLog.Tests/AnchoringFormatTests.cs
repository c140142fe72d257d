using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Internal;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Ethereum;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>The formats anchoring adds: the <c>anchor</c> member of anchoring events, version 2 receipts, the finality setting.</summary>
public sealed class AnchoringFormatTests : IDisposable
{
    private const string Origin = "test.example/audit";
    private const string ServiceDid = "did:ethr:0x7a69:0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static readonly string s_transaction = "0x" + new string('a', 64);
    private static readonly string s_blockHash = "0x" + new string('b', 64);
    private readonly PrivateKey _key = PrivateKey.Generate(KeyType.Ed25519);
    private readonly NoteSigner _signer;

    public AnchoringFormatTests()
    {
        _signer = new NoteSigner(Origin, _key);
    }

    public void Dispose() => _key.Dispose();

    private static AuditEntry Confirmed(ulong treeSize = 57) => new()
    {
        Type = AuditEventType.AnchorConfirmed,
        Id = Guid.Parse("01937f6e-0000-7000-8000-000000000099"),
        Time = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero),
        Actor = ServiceDid,
        Anchor = new AnchorFacts(31337, "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", treeSize, TreeHash.OfLeaf("root"u8), s_transaction,
            Block: 12, BlockHash: s_blockHash, LogIndex: 0, Sequence: 3, GasUsed: 38_441),
    };

    [Fact]
    public void An_anchoring_event_is_canonical_JSON_with_its_facts_as_strings()
    {
        var text = Encoding.UTF8.GetString(Confirmed().ToCanonicalBytes());

        Assert.StartsWith(
            $"{{\"actor\":\"{ServiceDid}\",\"anchor\":{{\"block\":\"12\",\"blockHash\":\"{s_blockHash}\",\"chain\":\"eip155:31337\"," +
            "\"contract\":\"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\",\"gasUsed\":\"38441\",\"logIndex\":\"0\",\"root\":\"",
            text, StringComparison.Ordinal);
        Assert.EndsWith($"\"sequence\":\"3\",\"transaction\":\"{s_transaction}\",\"treeSize\":\"57\"}},\"id\":\"01937f6e-0000-7000-8000-000000000099\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"AnchorConfirmed\",\"v\":1}}", text, StringComparison.Ordinal);
        Assert.Equal(Credentials.Jcs.JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(text)), Encoding.UTF8.GetBytes(text));
        Assert.True(AuditEntry.TryParse(Encoding.UTF8.GetBytes(text), out var parsed, out var error), error.ToString());
        Assert.Equal(Confirmed(), parsed);
    }

    [Fact]
    public void Random_anchor_facts_round_trip_and_equal_the_general_canonicalizer()
    {
        var optional = Gen.OneOf(Gen.Constant<ulong?>(null), Gen.Choose(0, int.MaxValue).Select(i => (ulong?)(ulong)i), Gen.Constant<ulong?>(ulong.MaxValue));
        var gen = from size in Gen.Choose(1, int.MaxValue)
                  from nonce in optional
                  from block in optional
                  from gas in optional
                  from fee in Gen.OneOf(Gen.Constant<System.Numerics.BigInteger?>(null), Gen.Choose(0, int.MaxValue).Select(i => (System.Numerics.BigInteger?)(System.Numerics.BigInteger.Pow(10, 20) * i)))
                  from type in Gen.Elements(AuditEventType.AnchorSubmitted, AuditEventType.AnchorConfirmed, AuditEventType.AnchorReorged)
                  select Confirmed() with
                  {
                      Type = type,
                      Anchor = Confirmed().Anchor! with { TreeSize = (ulong)size, Nonce = nonce, Block = block, GasUsed = gas, MaxFeePerGas = fee, MaxPriorityFeePerGas = fee },
                  };

        Prop.ForAll(Arb.From(gen), entry =>
        {
            var bytes = entry.ToCanonicalBytes();
            Assert.Equal(Credentials.Jcs.JsonCanonicalizer.Canonicalize(bytes), bytes);
            Assert.True(AuditEntry.TryParse(bytes, out var parsed, out _));
            Assert.Equal(entry, parsed);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    [Theory]
    [InlineData("\"treeSize\":\"57\"", "\"treeSize\":\"057\"", AuditEntryError.MissingOrMistyped)]
    [InlineData("\"treeSize\":\"57\"", "\"treeSize\":57", AuditEntryError.MissingOrMistyped)]
    [InlineData("\"treeSize\":\"57\"", "\"treeSize\":\"18446744073709551616\"", AuditEntryError.MissingOrMistyped)]
    [InlineData("\"chain\":\"eip155:31337\"", "\"chain\":\"eip1:31337\"", AuditEntryError.MissingOrMistyped)]
    [InlineData("\"sequence\":\"3\"", "\"sequence\":\"3\",\"secret\":\"x\"", AuditEntryError.UnknownMember)]
    [InlineData("\"contract\":\"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\"", "\"contract\":\"0xE7f1725e7734ce288f8367e1bb143e90bb3f0512\"", AuditEntryError.InvalidIdentifier)]
    [InlineData("\"logIndex\":\"0\"", "\"logIndex\":\"-1\"", AuditEntryError.MissingOrMistyped)]
    [InlineData("\"treeSize\":\"57\"", "\"treeSize\":\"0\"", AuditEntryError.InvalidIdentifier)]
    [InlineData("\"chain\":\"eip155:31337\"", "\"chain\":\"eip155:0\"", AuditEntryError.InvalidIdentifier)]
    [InlineData("\"gasUsed\":\"38441\"", "\"gasUsed\":\"38441\",\"maxFeePerGas\":\"999999999999999999999999999999999999999999999999999999999999999999999999999999\"", AuditEntryError.InvalidIdentifier)]
    public void A_malformed_anchor_member_is_refused(string from, string to, AuditEntryError expected)
    {
        var text = Encoding.UTF8.GetString(Confirmed().ToCanonicalBytes());
        Assert.Contains(from, text, StringComparison.Ordinal);

        Assert.False(AuditEntry.TryParse(Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal)), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_root_that_is_not_lowercase_hex_is_refused()
    {
        var text = Encoding.UTF8.GetString(Confirmed().ToCanonicalBytes());
        var root = Confirmed().Anchor!.Root.ToHex();

        Assert.False(AuditEntry.TryParse(Encoding.UTF8.GetBytes(text.Replace(root, root.ToUpperInvariant(), StringComparison.Ordinal)), out _, out _));
    }

    [Fact]
    public void An_extended_receipt_is_version_2_and_round_trips_byte_for_byte()
    {
        var receipt = Extended(index: 5, size: 13, anchored: 21);
        var json = receipt.ToJson();

        Assert.Equal(AuditReceipt.ExtendedFormatVersion, JsonNode.Parse(json)!["version"]!.GetValue<int>());
        Assert.True(AuditReceipt.TryParse(json, out var parsed, out var error), error);
        Assert.Equal(json, parsed.ToJson());
        Assert.Equal(receipt.Anchor, parsed.Anchor! with { ConsistencyProof = receipt.Anchor!.ConsistencyProof });
        Assert.Equal(receipt.Anchor.ConsistencyProof, parsed.Anchor!.ConsistencyProof);

        // The offline checks still pass; the anchor's own proof leads from the checkpoint to the anchored root.
        Assert.True(parsed.Verify(_signer.VerifierKey).IsValid);
        var tree = parsed.Checkpoint.Checkpoint;
        Assert.True(new ConsistencyProof(tree.TreeSize, parsed.Anchor.TreeSize, parsed.Anchor.ConsistencyProof).Verify(tree.RootHash, parsed.Anchor.RootHash).IsValid);
    }

    [Theory]
    [InlineData("version", "1", "a receipt of version 2 carries an anchor")]
    [InlineData("version", "3", "is not an AuditReceipt of version 1 or 2")]
    [InlineData("anchor.chainId", "0", "anchor.chainId")]
    [InlineData("anchor.contract", "\"0x12\"", "anchor.contract")]
    [InlineData("anchor.did", "\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\"", "anchor.did")]
    [InlineData("anchor.transactionHash", "\"0xAB\"", "anchor.transactionHash")]
    [InlineData("anchor.blockHash", "\"0x" + "BB" + "\"", "anchor.transactionHash or anchor.blockHash")]
    [InlineData("anchor.treeSize", "0", "anchor.blockNumber")]
    [InlineData("anchor.rootHash", "\"AAAA\"", "anchor.rootHash")]
    [InlineData("anchor.consistencyProof", "[1]", "anchor.consistencyProof")]
    [InlineData("anchor.extra", "true", "unknown member 'extra'")]
    [InlineData("anchor", "[]", "anchor is not a JSON object")]
    public void A_malformed_extended_receipt_is_refused_with_the_member_named(string member, string value, string message)
    {
        var json = JsonNode.Parse(Extended(5, 13, 21).ToJson())!.AsObject();
        var parts = member.Split('.');
        var target = parts.Length == 1 ? json : json[parts[0]]!.AsObject();
        target[parts[^1]] = JsonNode.Parse(value);

        Assert.False(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(json.ToJsonString()), out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"version\": 2,", "\"version\": 2,\n  \"version\": 2,", "the member 'version' twice")]
    [InlineData("\"logIndex\": 0,", "\"logIndex\": 0,\n    \"logIndex\": 1,", "anchor has the member 'logIndex' twice")]
    public void A_receipt_with_a_member_twice_is_refused(string from, string to, string message)
    {
        var text = Encoding.UTF8.GetString(Extended(5, 13, 21).ToJson());
        Assert.Contains(from, text, StringComparison.Ordinal);

        Assert.False(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal)), out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_verifier_refuses_a_trust_that_pins_neither_contract_nor_registry()
    {
        var error = Assert.Throws<ArgumentException>(() => new AnchoredReceiptVerifier(new Uri("http://127.0.0.1:9"), new AnchorTrust { ServiceDid = ServiceDid }));
        Assert.Contains("Pin the anchor contract", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_receipt_with_an_anchor_is_refused()
    {
        var json = JsonNode.Parse(Extended(5, 13, 21).ToJson())!.AsObject();
        json["version"] = 1;

        Assert.False(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(json.ToJsonString()), out _, out var error));
        Assert.Contains("version 1 does not", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_byte_changes_to_an_extended_receipt_never_throw_and_never_vouch_for_another_entry()
    {
        var original = Extended(3, 9, 30);
        var json = original.ToJson();
        var gen = from position in Gen.Choose(0, json.Length - 1)
                  from value in Gen.Choose(0, 255)
                  select (Position: position, Value: (byte)value);

        Prop.ForAll(Arb.From(gen), change =>
        {
            var mutated = (byte[])json.Clone();
            mutated[change.Position] = change.Value;

            // Whatever still parses and passes the offline checks proves the very same entry at the very same place; a change
            // inside the anchor section is the chain's to catch (the integration tests show each one caught).
            if (AuditReceipt.TryParse(mutated, out var parsed, out _) && parsed.Verify(_signer.VerifierKey).IsValid)
            {
                Assert.Equal(original.Entry.AsSpan().ToArray(), parsed.Entry.AsSpan().ToArray());
                Assert.Equal((original.EventId, original.LeafIndex, original.Checkpoint.ToString()), (parsed.EventId, parsed.LeafIndex, parsed.Checkpoint.ToString()));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true));
    }

    [Theory]
    [InlineData("finalized", null)]
    [InlineData("1", 1UL)]
    [InlineData("64", 64UL)]
    [InlineData("999999", 999_999UL)]
    public void Finality_parses_the_tag_or_a_number_of_confirmations(string text, ulong? confirmations)
    {
        Assert.True(AnchorFinality.TryParse(text, out var finality));
        Assert.Equal(confirmations, finality.Confirmations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("safe")]
    [InlineData("Finalized")]
    [InlineData("1000000")]
    [InlineData("-1")]
    public void Finality_refuses_anything_else(string text) => Assert.False(AnchorFinality.TryParse(text, out _));

    private AuditReceipt Extended(int index, int size, int anchored)
    {
        var entries = Enumerable.Range(0, anchored).Select(i => AuditEntryTests.Sample(i)).ToList();
        var leaves = entries.Select(e => e.LeafHash()).ToList();
        var first = leaves.Take(size).ToList();
        var checkpoint = SignedCheckpoint.Sign(new Checkpoint(Origin, (ulong)size, MerkleTree.Root(first)), _signer);
        var proof = MerkleTree.Inclusion((ulong)index, first);
        var consistency = MerkleTree.Consistency((ulong)size, leaves);
        return new AuditReceipt(entries[index].Id, [.. entries[index].ToCanonicalBytes()], (ulong)index, proof.Path, checkpoint)
        {
            Anchor = new ReceiptAnchor(31337, Address.Parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"), ServiceDid,
                Address.Parse("0x430be79ddb44718a9d7476f254ced2be78d6f416"), s_transaction, 12, s_blockHash, 0, 3, (ulong)anchored,
                MerkleTree.Root(leaves), consistency.Path),
        };
    }
}
