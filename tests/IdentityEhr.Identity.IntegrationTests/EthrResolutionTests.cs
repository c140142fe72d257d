using System.Globalization;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Identity.IntegrationTests;

/// <summary>did:ethr resolved from a real ERC-1056 registry on anvil, at each version of a scripted history.</summary>
public sealed class EthrResolutionTests(AnvilFixture anvil) : IAsyncLifetime
{
    private EthrHistory _history = null!;
    private EthrDid _method = null!;
    private FixedTimeProvider _time = null!;

    private string Did => $"did:ethr:0x{_history.ChainId:x}:{EthrHistory.Identity}";

    public async ValueTask InitializeAsync()
    {
        _history = await EthrHistory.RunAsync(anvil, TestContext.Current.CancellationToken);
        _time = new FixedTimeProvider(_history.Times["revokeDelegate veriKey"].AddSeconds(10));
        _method = new EthrDid([new EthrNetwork("dev", _history.ChainId, anvil.Rpc, _history.Registry)], _time);
    }

    public ValueTask DisposeAsync()
    {
        _method.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<DidResolutionResult> ResolveAtAsync(string step, string? did = null) =>
        await _method.ResolveAsync(Dids.Did.Parse(did ?? Did), DidResolutionOptions.Default with { VersionId = _history.Blocks[step].ToString(CultureInfo.InvariantCulture) }, TestContext.Current.CancellationToken);

    private static string[] Fragments(DidResolutionResult result, VerificationRelationship relationship) =>
        [.. result.DidDocument!.Relationship(relationship).Select(r => r.Id.Fragment!)];

    [Fact]
    public async Task A_veriKey_delegate_can_assert_as_delegate_1()
    {
        var result = await ResolveAtAsync("addDelegate veriKey");

        Assert.Equal(["controller", "delegate-1"], Fragments(result, VerificationRelationship.AssertionMethod));
    }

    [Fact]
    public async Task The_delegate_is_named_by_its_account_on_this_chain()
    {
        var result = await ResolveAtAsync("addDelegate veriKey");

        Assert.Equal($"eip155:{_history.ChainId}:{EthrHistory.Delegate.ToChecksumString()}", result.DidDocument!.Dereference("#delegate-1")!.AdditionalProperties["blockchainAccountId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_ed25519_attribute_is_delegate_2_with_its_key()
    {
        var result = await ResolveAtAsync("Ed25519 veriKey");

        // The vectors' "Ed25519 key" is 32 arbitrary bytes, not a curve point: compare the encoded bytes, not an imported key.
        Assert.True(Keys.Multikey.TryParsePublic(result.DidDocument!.Dereference("#delegate-2")!.PublicKeyMultibase, out var type, out var bytes, out _));
        Assert.Equal((Keys.KeyType.Ed25519, Convert.ToHexString(EthrHistory.Ed25519Key)), (type, Convert.ToHexString(bytes)));
    }

    [Fact]
    public async Task The_x25519_attribute_is_the_key_agreement_key()
    {
        var result = await ResolveAtAsync("X25519 enc");

        Assert.Equal(["delegate-3"], Fragments(result, VerificationRelationship.KeyAgreement));
    }

    [Fact]
    public async Task The_service_attribute_is_service_1()
    {
        var result = await ResolveAtAsync("service");

        Assert.Equal("https://records.example.org/api", result.DidDocument!.Services.Single().ServiceEndpoint.GetValue<string>());
    }

    [Fact]
    public async Task A_sigAuth_delegate_authenticates_as_delegate_4()
    {
        var result = await ResolveAtAsync("addDelegate sigAuth");

        Assert.Equal(["controller", "delegate-4"], Fragments(result, VerificationRelationship.Authentication));
    }

    [Fact]
    public async Task A_revoked_delegate_is_gone_once_its_second_has_passed()
    {
        var result = await _method.ResolveAsync(Dids.Did.Parse(Did), DidResolutionOptions.Default with { VersionId = _history.Blocks["revoke service"].ToString(CultureInfo.InvariantCulture) }, TestContext.Current.CancellationToken);
        var later = await _method.ResolveAsync(Dids.Did.Parse(Did), DidResolutionOptions.Default with { VersionTime = _time.GetUtcNow() }, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("delegate-1", Fragments(later, VerificationRelationship.AssertionMethod));
    }

    [Fact]
    public async Task A_revoked_service_is_gone()
    {
        var result = await ResolveAtAsync("revoke service");

        Assert.Empty(result.DidDocument!.Services);
    }

    [Fact]
    public async Task A_relayed_meta_transaction_adds_its_service()
    {
        var result = await ResolveAtAsync("setAttributeSigned");

        Assert.Equal("https://anchors.example.org", result.DidDocument!.Services.Single().ServiceEndpoint.GetValue<string>());
    }

    [Fact]
    public async Task An_owner_change_by_meta_transaction_moves_the_controller()
    {
        var result = await ResolveAtAsync("changeOwnerSigned");

        Assert.EndsWith(EthrHistory.Delegate.ToChecksumString(), result.DidDocument!.Dereference("#controller")!.AdditionalProperties["blockchainAccountId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deactivation_empties_the_document_and_says_so()
    {
        var result = await _method.ResolveAsync(Dids.Did.Parse(Did), DidResolutionOptions.Default, TestContext.Current.CancellationToken);

        Assert.Equal((true, 0), (result.DocumentMetadata.Deactivated, result.DidDocument!.VerificationMethods.Count));
    }

    [Fact]
    public async Task A_version_names_the_next_version()
    {
        var result = await ResolveAtAsync("service");

        Assert.Equal(
            (_history.Blocks["service"].ToString(CultureInfo.InvariantCulture), _history.Blocks["addDelegate sigAuth"].ToString(CultureInfo.InvariantCulture)),
            (result.DocumentMetadata.VersionId, result.DocumentMetadata.NextVersionId));
    }

    [Fact]
    public async Task The_public_key_did_of_the_identity_resolves_to_the_same_history()
    {
        var did = $"did:ethr:dev:0x{Convert.ToHexStringLower(Ethereum.Crypto.Secp256k1.DerivePublicKey(EthrHistory.IdentityKey))}";

        var result = await ResolveAtAsync("addDelegate veriKey", did);

        Assert.Equal(["controller", "controllerKey", "delegate-1"], Fragments(result, VerificationRelationship.AssertionMethod));
    }

    [Fact]
    public async Task An_unknown_network_is_notFound_naming_the_known_ones()
    {
        var result = await _method.ResolveAsync(Dids.Did.Parse($"did:ethr:0x1:{EthrHistory.Identity}"), DidResolutionOptions.Default, TestContext.Current.CancellationToken);

        Assert.Equal(DidResolutionError.NotFound, result.ResolutionMetadata.Error?.Error);
    }

    [Fact]
    public async Task An_unreachable_node_is_an_internal_error_not_a_wrong_document()
    {
        using var method = new EthrDid([new EthrNetwork("dev", _history.ChainId, new Uri("http://127.0.0.1:1"), _history.Registry)], _time);

        var result = await method.ResolveAsync(Dids.Did.Parse(Did), DidResolutionOptions.Default, TestContext.Current.CancellationToken);

        Assert.Equal((DidResolutionError.InternalError, null), (result.ResolutionMetadata.Error?.Error, result.DidDocument));
    }
}
