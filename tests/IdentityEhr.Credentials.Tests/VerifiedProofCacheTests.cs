using System.Text.Json;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Credentials.Tests;

/// <summary>The remembered consent signatures: what the key covers, and the bound.</summary>
public sealed class VerifiedProofCacheTests : IDisposable
{
    private readonly PrivateKey _key = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _other = PrivateKey.Generate(KeyType.Ed25519);
    private readonly JsonElement _document = JsonDocument.Parse("""{"id":"urn:uuid:1","proof":{"proofValue":"z1"}}""").RootElement;

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void Of_is_the_same_for_the_same_inputs() =>
        Assert.Equal(
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), "1", _key.PublicKey),
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), "1", _key.PublicKey));

    [Fact]
    public void Of_differs_when_the_document_bytes_differ() =>
        Assert.NotEqual(
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), null, _key.PublicKey),
            VerifiedProofCache.Of(JsonDocument.Parse("""{"id":"urn:uuid:1","proof":{"proofValue":"z2"}}""").RootElement, DidKey.Create(_key.PublicKey), null, _key.PublicKey));

    [Fact]
    public void Of_differs_when_the_public_key_differs() =>
        Assert.NotEqual(
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), null, _key.PublicKey),
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), null, _other.PublicKey));

    [Fact]
    public void Of_differs_when_the_signer_DID_differs() =>
        Assert.NotEqual(
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), null, _key.PublicKey),
            VerifiedProofCache.Of(_document, DidKey.Create(_other.PublicKey), null, _key.PublicKey));

    [Theory]
    [InlineData(null, "")]
    [InlineData("1", "2")]
    [InlineData(null, "1")]
    public void Of_differs_when_the_DID_document_version_differs(string? one, string? other) =>
        Assert.NotEqual(
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), one, _key.PublicKey),
            VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), other, _key.PublicKey));

    [Fact]
    public void Add_beyond_the_capacity_evicts_so_that_Count_stays_at_the_capacity()
    {
        var cache = new VerifiedProofCache(capacity: 4);

        for (var i = 0UL; i < 10; i++)
        {
            cache.Add(new VerifiedProofCache.Digest(i, 0, 0, 0), "hash");
        }

        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void TryGet_misses_an_entry_never_added() =>
        Assert.False(new VerifiedProofCache().TryGet(VerifiedProofCache.Of(_document, DidKey.Create(_key.PublicKey), null, _key.PublicKey), out _));
}
