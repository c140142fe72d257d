using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Tests;

public sealed class DidSyntaxTests
{
    [Theory]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")]
    [InlineData("did:ethr:0x1:0xb9c5714089478a327f09197987f16f9e5d936e8a")]
    [InlineData("did:web:example.com%3A8443")]
    [InlineData("did:example:a::b")]
    [InlineData("did:a1:x.y-z_w")]
    public void TryParse_accepts_what_the_abnf_allows(string text)
    {
        Assert.True(Did.TryParse(text, out var did, out _));
        Assert.Equal(text, did.ToString());
    }

    [Theory]
    [InlineData("", DidSyntaxError.Empty)]
    [InlineData("dod:key:abc", DidSyntaxError.NotADid)]
    [InlineData("DID:key:abc", DidSyntaxError.NotADid)]
    [InlineData("did:", DidSyntaxError.InvalidMethodName)]
    [InlineData("did:Key:abc", DidSyntaxError.InvalidMethodName)]
    [InlineData("did:k-y:abc", DidSyntaxError.InvalidMethodName)]
    [InlineData("did:key", DidSyntaxError.InvalidMethodName)]
    [InlineData("did:key:", DidSyntaxError.InvalidMethodSpecificId)]
    [InlineData("did:key:abc:", DidSyntaxError.InvalidMethodSpecificId)]
    [InlineData("did:key:a b", DidSyntaxError.InvalidCharacter)]
    [InlineData("did:key:a%2", DidSyntaxError.InvalidPercentEncoding)]
    [InlineData("did:key:a%zz", DidSyntaxError.InvalidPercentEncoding)]
    [InlineData("did:key:abc#frag", DidSyntaxError.InvalidCharacter)]
    [InlineData("did:key:ab\u00e9", DidSyntaxError.InvalidCharacter)]
    public void TryParse_refuses_with_the_specific_reason(string text, DidSyntaxError expected)
    {
        _ = Did.TryParse(text, out _, out var error);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_refuses_an_oversized_did_before_scanning_it()
    {
        _ = Did.TryParse("did:key:" + new string('a', Did.MaxLength), out _, out var error);

        Assert.Equal(DidSyntaxError.TooLong, error);
    }

    [Fact]
    public void DidUrl_splits_path_query_and_fragment()
    {
        var url = DidUrl.Parse("did:example:123/path/to?versionId=1&x=y#key-1");

        Assert.Equal(("did:example:123", "/path/to", "versionId=1&x=y", "key-1"), (url.Did.ToString(), url.Path, url.Query, url.Fragment));
    }

    [Theory]
    [InlineData("did:example:123#a b", DidSyntaxError.InvalidCharacter)]
    [InlineData("did:example:123#a#b", DidSyntaxError.InvalidCharacter)]
    [InlineData("did:example:123/p%g1", DidSyntaxError.InvalidPercentEncoding)]
    [InlineData("did:example:123?q=<x>", DidSyntaxError.InvalidCharacter)]
    public void DidUrl_refuses_with_the_specific_reason(string text, DidSyntaxError expected)
    {
        _ = DidUrl.TryParse(text, out _, out var error);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryResolve_makes_a_relative_fragment_absolute()
    {
        Assert.True(DidUrl.TryResolve("#key-1", Did.Parse("did:example:123"), out var url));
        Assert.Equal("did:example:123#key-1", url.ToString());
    }
}
