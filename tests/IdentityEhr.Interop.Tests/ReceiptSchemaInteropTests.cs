using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// specs/receipt.schema.json, checked by npm ajv 8.20.0 (JSON Schema 2020-12), agrees with our receipt reader: both accept the
/// spec example (which also verifies with the key the spec gives), and both refuse each malformed variant.
/// </summary>
public sealed class ReceiptSchemaInteropTests
{
    private const string Script = "tests/Interop/json-schema.mjs";
    private const string Schema = "specs/receipt.schema.json";
    private const string ExampleKey = "identityehr.localhost/audit+fda0a529+AazJwwfEv4K604sMmXcV592Zz2dabmiKNugD3YK3A1z4";
    private const string AnchoredExampleKey = "identityehr.localhost/audit+747833ed+AShPPUF09vSBojBSaBbmZsrbb8+7YstoL+bkR0RFBVCi";

    private static readonly (string Member, string? Value)[] s_anchorVariants =
    [
        ("chainId", "0"),
        ("chainId", "\"31337\""),
        ("contract", "\"0x12\""),
        ("submitter", "\"e7f1725e7734ce288f8367e1bb143e90bb3f0512\""),
        ("did", "\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\""),
        ("transactionHash", "\"0x8AFC946125AAB6BFF4B14E7F4AA7015D8D9329E6C567F5DAA184919317B04546\""),
        ("blockHash", "\"0x59a2\""),
        ("blockNumber", "-1"),
        ("logIndex", "0.5"),
        ("treeSize", "0"),
        ("rootHash", "\"AAAA\""),
        ("consistencyProof", "\"kRT5oKzAt4d3JxTPvu+m8w8keGJ81D3W9LnakN329Y0=\""),
        ("extra", "1"),
        ("sequence", null),
    ];

    private static readonly (string Member, string? Value)[] s_variants =
    [
        ("type", "\"Receipt\""),
        ("version", "2"),
        ("eventId", "\"01937F6E-0000-7000-8000-000000000000\""),
        ("leafIndex", "-1"),
        ("leafIndex", "1.5"),
        ("entry", "\"\""),
        ("entry", "\"not base64!\""),
        ("inclusionProof", "[\"AAAA\"]"),
        ("inclusionProof", "[\"Qz++shaf1jk+lTUc2T4EVWAHwrpG1GB0xX/gvYZfM55=\"]"),
        ("checkpoint", "\"\""),
        ("anchor", "{}"),
        ("leafIndex", null),
    ];

    private static JsonObject Example() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "specs/examples/receipt.json")))!.AsObject();

    private static JsonObject AnchoredExample() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "specs/examples/receipt-anchored.json")))!.AsObject();

    [Fact]
    public void The_anchored_spec_example_verifies_offline_and_its_consistency_proof_leads_to_the_anchored_head()
    {
        Assert.True(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(AnchoredExample().ToJsonString()), out var receipt, out var error), error);
        Assert.True(NoteVerifierKey.TryParse(AnchoredExampleKey, out var key, out _));
        Assert.Equal(ReceiptFailure.None, receipt.Verify(key).Failure);

        var tree = receipt.Checkpoint.Checkpoint;
        var anchor = receipt.Anchor!;
        Assert.True(new IdentityEhr.AuditLog.Merkle.ConsistencyProof(tree.TreeSize, anchor.TreeSize, anchor.ConsistencyProof).Verify(tree.RootHash, anchor.RootHash).IsValid);
    }

    [Fact]
    public async Task Ajv_and_our_reader_agree_on_the_anchored_example_and_each_malformed_anchor()
    {
        var documents = Variants(AnchoredExample, d => d["anchor"]!.AsObject(), s_anchorVariants);
        var withoutAnchor = AnchoredExample();
        withoutAnchor.Remove("anchor");
        documents.Add(withoutAnchor);
        var versionOne = AnchoredExample();
        versionOne["version"] = 1;
        documents.Add(versionOne);

        await AssertOnlyTheFirstIsValidForBothAsync(documents);
    }

    [Fact]
    public void The_spec_example_verifies_with_the_spec_key()
    {
        Assert.True(AuditReceipt.TryParse(Encoding.UTF8.GetBytes(Example().ToJsonString()), out var receipt, out var error), error);
        Assert.True(NoteVerifierKey.TryParse(ExampleKey, out var key, out _));

        Assert.Equal(ReceiptFailure.None, receipt.Verify(key).Failure);
    }

    [Fact]
    public async Task Ajv_and_our_reader_agree_on_the_example_and_each_malformed_variant() =>
        await AssertOnlyTheFirstIsValidForBothAsync(Variants(Example, d => d, s_variants));

    /// <summary>The example, then one copy per variant with one member of <paramref name="target"/> replaced (or removed when null).</summary>
    private static List<JsonObject> Variants(Func<JsonObject> example, Func<JsonObject, JsonObject> target, (string Member, string? Value)[] variants)
    {
        var documents = new List<JsonObject> { example() };
        foreach (var (member, value) in variants)
        {
            var variant = example();
            if (value is null)
            {
                target(variant).Remove(member);
            }
            else
            {
                target(variant)[member] = JsonNode.Parse(value);
            }

            documents.Add(variant);
        }

        return documents;
    }

    private static async Task AssertOnlyTheFirstIsValidForBothAsync(List<JsonObject> documents)
    {
        var theirs = JsonSerializer.Deserialize<bool[]>(await NodeScript.RunAsync(
            Script, [Path.Combine(RepositoryPaths.Root, Schema)], new JsonArray([.. documents.Select(d => d.DeepClone())]).ToJsonString(), TestContext.Current.CancellationToken))!;
        var ours = documents.Select(d => AuditReceipt.TryParse(Encoding.UTF8.GetBytes(d.ToJsonString()), out _, out _)).ToArray();

        Assert.True(theirs[0]);
        Assert.All(theirs[1..], Assert.False);
        Assert.Equal(theirs, ours);
    }
}
