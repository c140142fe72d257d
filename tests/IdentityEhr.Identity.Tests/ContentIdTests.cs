using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Tests;

/// <summary>CIDv1 raw sha2-256 in base32: known values, the one canonical spelling, and random content.</summary>
public sealed class ContentIdTests
{
    [Theory]
    // The CID of "hello world" as IPFS and npm multiformats print it (also checked against multiformats in the interop tests).
    [InlineData("hello world", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")]
    [InlineData("", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")]
    public void Known_content_has_its_known_CID(string content, string expected)
    {
        var cid = ContentId.Of(Encoding.UTF8.GetBytes(content));

        Assert.Equal(expected, cid.ToString());
        Assert.Equal(ContentId.TextLength, cid.Text.Length);
        Assert.True(cid.Matches(Encoding.UTF8.GetBytes(content)));
        Assert.False(cid.Matches(Encoding.UTF8.GetBytes(content + ".")));
    }

    [Theory]
    [InlineData("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5f")] // leftover bits not zero
    [InlineData("BAFKREIFZJUT3TE2NHYEKKLSS27NH3K72YSCO7Y32KOAO5EEI66WOF36N5E")] // base32upper: another spelling
    [InlineData("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5")] // short
    [InlineData("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5ee")] // long
    [InlineData("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG")] // CIDv0
    [InlineData("bafyreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")] // dag-cbor codec
    [InlineData("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n1e")] // '1' is not base32
    [InlineData("")]
    public void Anything_but_the_canonical_raw_sha256_form_is_refused(string text) => Assert.False(ContentId.TryParse(text, out _));

    [Fact]
    public void Random_content_round_trips_and_every_one_character_change_names_another_CID_or_none()
    {
        var gen = from content in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
                  from position in Gen.Choose(1, ContentId.TextLength - 1)
                  from replacement in Gen.Elements("abcdefghijklmnopqrstuvwxyz234567AZ017=".ToCharArray())
                  select (content, position, replacement);

        Prop.ForAll(Arb.From(gen), sample =>
        {
            var cid = ContentId.Of(sample.content);
            Assert.True(ContentId.TryParse(cid.Text, out var parsed));
            Assert.Equal(cid, parsed);
            Assert.True(parsed.Matches(sample.content));

            var changed = cid.Text.ToCharArray();
            changed[sample.position] = sample.replacement;
            var text = new string(changed);
            if (text != cid.Text && ContentId.TryParse(text, out var other))
            {
                Assert.NotEqual(cid, other);
                Assert.False(other.Matches(sample.content));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true));
    }
}
