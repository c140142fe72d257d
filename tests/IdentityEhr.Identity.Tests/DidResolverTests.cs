using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Identity.Tests;

public sealed class DidResolverTests
{
    private const string Ed25519Did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";

    private static DidResolver Resolver(int capacity = DidResolver.DefaultCacheCapacity) => new([new DidKey()], TimeProvider.System, capacity);

    private static async Task<DidResolutionError?> ErrorOf(string did, DidResolutionOptions? options = null) =>
        (await Resolver().ResolveAsync(did, options, TestContext.Current.CancellationToken)).ResolutionMetadata.Error?.Error;

    [Fact]
    public async Task A_did_key_resolves_to_its_document()
    {
        var result = await Resolver().ResolveAsync(Ed25519Did, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((Ed25519Did, "application/did"), (result.DidDocument?.Id.ToString(), result.ResolutionMetadata.ContentType));
    }

    [Fact]
    public async Task An_unknown_method_is_methodNotSupported()
    {
        Assert.Equal(DidResolutionError.MethodNotSupported, await ErrorOf("did:web:example.com"));
    }

    [Fact]
    public async Task Text_that_is_not_a_did_is_invalidDid()
    {
        Assert.Equal(DidResolutionError.InvalidDid, await ErrorOf("did:key"));
    }

    [Fact]
    public async Task A_did_key_not_in_base58btc_is_invalidDid()
    {
        Assert.Equal(DidResolutionError.InvalidDid, await ErrorOf("did:key:u7QGNsL1mf2G"));
    }

    [Fact]
    public async Task A_did_key_with_a_version_is_invalidDid()
    {
        Assert.Equal(DidResolutionError.InvalidDid, await ErrorOf("did:key:1:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"));
    }

    [Fact]
    public async Task A_did_key_of_the_wrong_length_is_invalidPublicKeyLength()
    {
        var did = DidKeyOf(0xed, new byte[31]);

        Assert.Equal(DidResolutionError.InvalidPublicKeyLength, await ErrorOf(did));
    }

    [Fact]
    public async Task A_did_key_with_an_invalid_point_is_invalidPublicKey()
    {
        var did = DidKeyOf(0xe7, [0x02, .. Enumerable.Repeat((byte)0xff, 32)]);

        Assert.Equal(DidResolutionError.InvalidPublicKey, await ErrorOf(did));
    }

    [Fact]
    public async Task A_did_key_of_an_unknown_codec_is_unsupportedPublicKeyType()
    {
        Assert.Equal(DidResolutionError.UnsupportedPublicKeyType, await ErrorOf(DidKeyOf(0x1205, new byte[33])));
    }

    [Fact]
    public async Task A_2020_format_for_a_secp256k1_key_is_invalidPublicKeyType()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);

        Assert.Equal(
            DidResolutionError.InvalidPublicKeyType,
            await ErrorOf(DidKey.Create(key.PublicKey).ToString(), DidResolutionOptions.Default with { PublicKeyFormat = PublicKeyFormat.Ed25519VerificationKey2020 }));
    }

    [Fact]
    public async Task A_version_for_a_did_key_is_invalidOptions()
    {
        Assert.Equal(DidResolutionError.InvalidOptions, await ErrorOf(Ed25519Did, DidResolutionOptions.Default with { VersionId = "1" }));
    }

    [Fact]
    public async Task An_unsupported_representation_is_representationNotSupported()
    {
        Assert.Equal(DidResolutionError.RepresentationNotSupported, await ErrorOf(Ed25519Did, DidResolutionOptions.Default with { Accept = "application/cbor" }));
    }

    [Fact]
    public async Task A_second_resolution_is_served_from_the_cache()
    {
        var resolver = Resolver();
        var first = await resolver.ResolveAsync(Ed25519Did, cancellationToken: TestContext.Current.CancellationToken);

        var second = await resolver.ResolveAsync(Ed25519Did, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task The_cache_keeps_at_most_its_capacity()
    {
        var resolver = Resolver(capacity: 1);
        var ct = TestContext.Current.CancellationToken;
        var first = await resolver.ResolveAsync(Ed25519Did, cancellationToken: ct);
        using var other = PrivateKey.Generate(KeyType.Ed25519);
        await resolver.ResolveAsync(DidKey.Create(other.PublicKey), cancellationToken: ct);

        var again = await resolver.ResolveAsync(Ed25519Did, cancellationToken: ct);

        Assert.NotSame(first, again);
    }

    [Fact]
    public async Task Different_options_are_cached_apart()
    {
        var resolver = Resolver();
        var ct = TestContext.Current.CancellationToken;
        await resolver.ResolveAsync(Ed25519Did, cancellationToken: ct);

        var jwk = await resolver.ResolveAsync(Ed25519Did, DidResolutionOptions.Default with { PublicKeyFormat = PublicKeyFormat.JsonWebKey2020 }, ct);

        Assert.Equal("JsonWebKey2020", jwk.DidDocument!.VerificationMethods[0].Type);
    }

    [Fact]
    public void An_x25519_did_key_has_only_key_agreement()
    {
        using var key = PrivateKey.Generate(KeyType.X25519);
        var document = DidKey.CreateDocument(key.PublicKey);

        Assert.Equal(
            (1, 0),
            (document.Relationship(VerificationRelationship.KeyAgreement).Count, document.Relationship(VerificationRelationship.Authentication).Count));
    }

    [Fact]
    public void Without_key_derivation_an_ed25519_did_key_has_no_key_agreement()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);

        Assert.Empty(DidKey.CreateDocument(key.PublicKey, enableEncryptionKeyDerivation: false).Relationship(VerificationRelationship.KeyAgreement));
    }

    private static string DidKeyOf(ulong codec, byte[] key) =>
        "did:key:" + Multiformats.Multibase.EncodeBase58Btc(Multiformats.Multicodec.Prefix(codec, key));
}
