using System.Globalization;
using System.Text.Json;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.IntegrationTests;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// did:ethr against the reference resolver, ethr-did-resolver 11.1.3, on the same anvil and registry: for every version of a scripted
/// history, the same controller, verification methods (key material, not encoding), relationships, services and metadata. The
/// differences the current spec mandates (key types and encodings, @context) are in specs/decisions/0007-did-ethr.md.
/// </summary>
public sealed class DidEthrInteropTests(AnvilFixture anvil) : IAsyncLifetime
{
    private EthrHistory _history = null!;
    private EthrDid _ours = null!;

    private string IdentityDid => $"did:ethr:0x{_history.ChainId:x}:{EthrHistory.Identity}";

    private static string PublicKeyDid => $"did:ethr:dev:0x{Convert.ToHexStringLower(Ethereum.Crypto.Secp256k1.DerivePublicKey(EthrHistory.IdentityKey))}";

    public static TheoryData<string> Steps() => new(
        "addDelegate veriKey", "Ed25519 veriKey", "X25519 enc", "service", "addDelegate sigAuth",
        "revokeDelegate veriKey", "revoke service", "setAttributeSigned", "changeOwnerSigned", "deactivate");

    public async ValueTask InitializeAsync()
    {
        _history = await EthrHistory.RunAsync(anvil, TestContext.Current.CancellationToken);
        _ours = new EthrDid([new EthrNetwork("dev", _history.ChainId, anvil.Rpc, _history.Registry)], TimeProvider.System);
    }

    public ValueTask DisposeAsync()
    {
        _ours.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(Snapshot Ours, Snapshot Theirs)> BothAsync(string did, string? step)
    {
        var version = step is null ? null : _history.Blocks[step].ToString(CultureInfo.InvariantCulture);
        var ours = await _ours.ResolveAsync(Did.Parse(did), DidResolutionOptions.Default with { VersionId = version }, TestContext.Current.CancellationToken);
        var query = version is null ? did : $"{did}?versionId={version}";
        var output = await NodeScript.RunAsync(
            "tests/Interop/did-ethr.mjs", [anvil.Rpc.ToString(), _history.ChainId.ToString(CultureInfo.InvariantCulture), _history.Registry.ToString()],
            JsonSerializer.Serialize(new[] { query }), TestContext.Current.CancellationToken);
        var theirs = JsonDocument.Parse(output).RootElement[0].GetProperty("result");
        Assert.True(DidDocument.TryParse(theirs.GetProperty("didDocument").GetRawText(), out var theirDocument, out var error), error);
        var metadata = theirs.GetProperty("didDocumentMetadata");
        string? Text(string name) => metadata.TryGetProperty(name, out var value) ? value.ToString() : null;
        return (
            Snapshot.Of(ours.DidDocument!, ours.DocumentMetadata.VersionId, ours.DocumentMetadata.NextVersionId, ours.DocumentMetadata.Deactivated == true),
            Snapshot.Of(theirDocument, Text("versionId"), Text("nextVersionId"), Text("deactivated") == "True" || Text("deactivated") == "true"));
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task Both_resolvers_give_the_same_methods_at_each_version(string step)
    {
        var (ours, theirs) = await BothAsync(IdentityDid, step);

        Assert.Equal(theirs.Methods, ours.Methods);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task Both_resolvers_give_the_same_relationships_at_each_version(string step)
    {
        var (ours, theirs) = await BothAsync(IdentityDid, step);

        Assert.Equal(theirs.Relationships, ours.Relationships);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task Both_resolvers_give_the_same_services_and_metadata_at_each_version(string step)
    {
        var (ours, theirs) = await BothAsync(IdentityDid, step);

        Assert.Equal((theirs.Services, theirs.VersionId, theirs.NextVersionId, theirs.Deactivated), (ours.Services, ours.VersionId, ours.NextVersionId, ours.Deactivated));
    }

    [Theory]
    [InlineData("addDelegate veriKey")]
    [InlineData("changeOwnerSigned")]
    public async Task Both_resolvers_agree_on_the_public_key_did(string step)
    {
        var (ours, theirs) = await BothAsync(PublicKeyDid, step);

        Assert.Equal((theirs.Methods, theirs.Relationships), (ours.Methods, ours.Relationships));
    }

    [Fact]
    public async Task Both_resolvers_see_the_deactivated_did_at_latest()
    {
        var (ours, theirs) = await BothAsync(IdentityDid, null);

        Assert.Equal((true, theirs.Methods), (ours.Deactivated, ours.Methods));
    }

    /// <summary>A document reduced to what must agree: per method its id and key material (or account), per relationship its ids.</summary>
    private sealed record Snapshot(string Methods, string Relationships, string Services, string? VersionId, string? NextVersionId, bool Deactivated)
    {
        public static Snapshot Of(DidDocument document, string? versionId, string? nextVersionId, bool deactivated)
        {
            var methods = document.VerificationMethods
                .Select(m => $"{m.Id.Fragment}={Material(m)}")
                .Order(StringComparer.Ordinal);
            var relationships = VerificationRelationshipNames.All
                .Select(r => $"{r.PropertyName()}:[{string.Join(",", document.Relationship(r).Select(e => e.Id.Fragment).Order(StringComparer.Ordinal))}]");
            var services = document.Services.Select(s => $"{s.Id.Split('#')[^1]}|{string.Join(",", s.Types)}|{s.ServiceEndpoint.ToJsonString()}").Order(StringComparer.Ordinal);
            return new Snapshot(string.Join(" ", methods), string.Join(" ", relationships), string.Join(" ", services), versionId, nextVersionId, deactivated);
        }

        private static string Material(VerificationMethod method) =>
            method.AdditionalProperties.TryGetValue("blockchainAccountId", out var account) && account is not null
                ? account.GetValue<string>().ToLowerInvariant()
                : method.TryGetPublicKey(out var key, out var error) ? $"{key.Type}:{Convert.ToHexStringLower(key.Bytes)}" : $"unreadable:{error}";
    }
}
