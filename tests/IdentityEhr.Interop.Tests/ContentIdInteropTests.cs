using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>Our CIDs equal npm multiformats' (Protocol Labs' reference implementation), and both read the same texts.</summary>
public sealed class ContentIdInteropTests
{
    private const string Script = "tests/Interop/cid.mjs";

    [Fact]
    public async Task Multiformats_computes_the_same_CID_for_the_same_content()
    {
        var contents = new List<byte[]> { Array.Empty<byte>(), "hello world"u8.ToArray(), new byte[4096] };
        contents.AddRange(Enumerable.Range(0, 50).Select(i => RandomNumberGenerator.GetBytes(i * 97)));

        var theirs = JsonSerializer.Deserialize<string[]>(await NodeScript.RunAsync(
            Script, ["of"], new JsonArray([.. contents.Select(c => (JsonNode)Convert.ToBase64String(c))]).ToJsonString(), TestContext.Current.CancellationToken))!;

        Assert.Equal(theirs, contents.Select(c => ContentId.Of(c).Text));
    }

    [Fact]
    public async Task Multiformats_and_our_parser_agree_on_which_texts_are_raw_sha256_CIDs()
    {
        var valid = ContentId.Of("x"u8).Text;
        string[] texts =
        [
            valid, valid[..^1] + (valid[^1] == 'a' ? 'b' : 'a'), valid.ToUpperInvariant(), valid[..^1], valid + "a",
            "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "bafyreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
            "z" + valid[1..], "",
        ];

        var theirs = JsonSerializer.Deserialize<string?[]>(await NodeScript.RunAsync(
            Script, ["parse"], new JsonArray([.. texts.Select(t => (JsonNode)t)]).ToJsonString(), TestContext.Current.CancellationToken))!;
        var ours = texts.Select(t => ContentId.TryParse(t, out var cid) ? cid.Text : null).ToArray();

        Assert.Equal(valid, ours[0]);
        Assert.Equal(theirs, ours);
    }
}
