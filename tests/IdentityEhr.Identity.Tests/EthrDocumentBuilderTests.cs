using System.Numerics;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods.Ethr;

namespace IdentityEhr.Identity.Tests;

/// <summary>The did:ethr read algorithm over hand-made ERC-1056 histories (keys from shared/vectors/ethereum/generated/did-ethr-anvil-run.json).</summary>
public sealed class EthrDocumentBuilderTests
{
    private static readonly Address s_identity = Address.Parse("0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a");
    private static readonly Address s_delegate = Address.Parse("0x1563915e194d8cfba1943570603f7606a3115508");
    private static readonly byte[] s_compressedKey = Convert.FromHexString("034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa");
    private static readonly byte[] s_ed25519 = Convert.FromHexString("b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71");
    private static readonly byte[] s_x25519 = Convert.FromHexString("118557777ffb078774371a52b00fed75561dcf975e61c47553e664a617661052");
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly BigInteger s_later = s_t0.AddDays(1).ToUnixTimeSeconds();

    private static readonly Did s_did = Did.Parse("did:ethr:0x539:0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A");

    private static (DidDocument Document, Resolution.DidDocumentMetadata Metadata) Build(IReadOnlyList<Erc1056Event> history, ulong? versionId = null, Did? did = null)
    {
        var subject = did ?? s_did;
        Assert.True(EthrIdentifier.TryParse(subject, out var identifier, out var reason), reason);
        return EthrDocumentBuilder.Build(subject, 1337, identifier, history, versionId, s_t0);
    }

    private static AttributeChanged Attribute(ulong block, string name, byte[] value, BigInteger validTo) =>
        new(block, s_t0, block - 1, name, value, validTo);

    private static string[] Ids(DidDocument document, VerificationRelationship relationship) =>
        [.. document.Relationship(relationship).Select(r => r.Id.Fragment!)];

    [Fact]
    public void A_fresh_address_is_controlled_by_itself()
    {
        var (document, metadata) = Build([]);

        Assert.Equal(
            ("eip155:1337:0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A", null),
            (document.VerificationMethods.Single().AdditionalProperties["blockchainAccountId"]!.GetValue<string>(), metadata.VersionId));
    }

    [Fact]
    public void A_public_key_did_lists_its_key_as_controllerKey()
    {
        var (document, _) = Build([], did: Did.Parse("did:ethr:0x539:0x034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa"));

        Assert.True(document.Dereference("#controllerKey")!.TryGetPublicKey(out var key, out _));
        Assert.Equal(Convert.ToHexString(s_compressedKey), Convert.ToHexString(key.Bytes));
    }

    [Fact]
    public void After_an_owner_change_the_controllerKey_is_gone()
    {
        var (document, _) = Build([new OwnerChanged(3, s_t0, 0, s_delegate)], did: Did.Parse("did:ethr:0x539:0x034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa"));

        Assert.Null(document.Dereference("#controllerKey"));
    }

    [Fact]
    public void Delegate_ids_count_revocations_as_the_spec_example_says()
    {
        var (document, _) = Build(
        [
            Attribute(2, "did/pub/Ed25519/veriKey/base64", s_ed25519, s_later),
            Attribute(3, "did/pub/X25519/enc/base64", s_x25519, s_later),
            new DelegateChanged(4, s_t0, 3, "veriKey", s_delegate, s_later),
            Attribute(5, "did/pub/Ed25519/veriKey/base64", s_ed25519, 0),
            new DelegateChanged(6, s_t0, 5, "sigAuth", Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), s_later),
        ]);

        Assert.Equal(["controller", "delegate-3", "delegate-5"], Ids(document, VerificationRelationship.AssertionMethod));
    }

    [Fact]
    public void A_sigAuth_delegate_also_authenticates()
    {
        var (document, _) = Build([new DelegateChanged(2, s_t0, 0, "sigAuth", s_delegate, s_later)]);

        Assert.Equal(["controller", "delegate-1"], Ids(document, VerificationRelationship.Authentication));
    }

    [Fact]
    public void An_enc_attribute_is_a_key_agreement_key_in_the_2020_form()
    {
        var (document, _) = Build([Attribute(2, "did/pub/X25519/enc/base64", s_x25519, s_later)]);

        var method = document.MethodsFor(VerificationRelationship.KeyAgreement).Single();
        Assert.Equal(("X25519KeyAgreementKey2020", "z6LScra2Lg8mSU6TkMX1AKJSn6ApwneQkfXgJZpj48hCp3N1"), (method.Type, method.PublicKeyMultibase));
    }

    [Fact]
    public void An_ed25519_attribute_is_the_key_the_spec_example_gives()
    {
        var (document, _) = Build([Attribute(2, "did/pub/Ed25519/veriKey/base64", s_ed25519, s_later)]);

        Assert.Equal("z6MkrwKJd14cfGia7TAWXgAZs7GKyXRhPQqTLnkfiG9YY8VN", document.Dereference("#delegate-1")!.PublicKeyMultibase);
    }

    [Fact]
    public void A_service_attribute_becomes_a_service()
    {
        var (document, _) = Build([Attribute(2, "did/svc/MedicalRecordsService", "https://records.example.org/api"u8.ToArray(), s_later)]);

        var service = document.Services.Single();
        Assert.Equal(("service-1", "MedicalRecordsService", "https://records.example.org/api"), (service.Id.Split('#')[1], service.Types[0], service.ServiceEndpoint.GetValue<string>()));
    }

    [Fact]
    public void An_entry_valid_until_exactly_now_is_still_listed_as_the_reference_resolver_does()
    {
        var (document, _) = Build([new DelegateChanged(2, s_t0, 0, "veriKey", s_delegate, s_t0.ToUnixTimeSeconds())]);

        Assert.NotNull(document.Dereference("#delegate-1"));
    }

    [Fact]
    public void An_owner_of_zero_deactivates_and_empties_the_document()
    {
        var (document, metadata) = Build([new DelegateChanged(2, s_t0, 0, "veriKey", s_delegate, s_later), new OwnerChanged(3, s_t0, 2, Address.Zero)]);

        Assert.Equal((true, 0, "3"), (metadata.Deactivated, document.VerificationMethods.Count, metadata.VersionId));
    }

    [Fact]
    public void A_version_leaves_out_later_changes_and_names_the_next()
    {
        var (document, metadata) = Build([new DelegateChanged(2, s_t0, 0, "veriKey", s_delegate, s_later), Attribute(4, "did/svc/X", "https://x.example"u8.ToArray(), s_later)], versionId: 3);

        Assert.Equal((0, "2", "4"), (document.Services.Count, metadata.VersionId, metadata.NextVersionId));
    }

    [Theory]
    [InlineData("did:ethr:0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A", "mainnet")]
    [InlineData("did:ethr:dev:0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a", "dev")]
    [InlineData("did:ethr:0x539:0x034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa", "0x539")]
    public void Identifiers_name_their_network(string text, string network)
    {
        Assert.True(EthrIdentifier.TryParse(Did.Parse(text), out var identifier, out _));
        Assert.Equal((network, s_identity), (identifier.Network, identifier.Address));
    }

    [Theory]
    [InlineData("did:ethr:0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2")]
    [InlineData("did:ethr:a:b:0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a")]
    [InlineData("did:ethr:0x539:0x054f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa")]
    [InlineData("did:ethr:0x539:0x03zz355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa")]
    public void Malformed_identifiers_are_refused(string text)
    {
        Assert.False(EthrIdentifier.TryParse(Did.Parse(text), out _, out _));
    }
}
