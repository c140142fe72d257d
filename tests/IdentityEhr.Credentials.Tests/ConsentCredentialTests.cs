using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Testing;

namespace IdentityEhr.Credentials.Tests;

/// <summary>The ConsentCredential's shape (specs/consent-credential.md) and the VC 2.0 / 1.1 model under it.</summary>
public sealed class ConsentCredentialTests : IDisposable
{
    private readonly ConsentScenario _s = new();

    public void Dispose() => _s.Dispose();

    private static (CredentialError Model, ConsentError Consent) Read(JsonObject json)
    {
        if (!VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(json), out var credential, out var modelError))
        {
            return (modelError, ConsentError.None);
        }

        ConsentCredential.TryRead(credential, out _, out var error);
        return (CredentialError.None, error);
    }

    [Fact]
    public void A_consent_we_build_reads_back()
    {
        Assert.True(VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(_s.Consent()), out var credential, out _));
        Assert.True(ConsentCredential.TryRead(credential, out var consent, out var error), error.ToString());

        Assert.Equal((_s.PatientDid, _s.ProviderDid), (consent.Patient, consent.Grantee));
        Assert.Equal(["Observation", "Condition"], consent.Scope.RecordTypes);
        Assert.Equal(["TREAT", "ETREAT"], consent.PurposesOfUse);
        Assert.Equal(ConsentScenario.StatusIndex, consent.Revocation.StatusListIndex);
        Assert.Equal(ConsentScenario.Now.AddDays(30), credential.ValidUntil);
    }

    [Fact]
    public void The_spec_example_is_a_well_formed_consent()
    {
        var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "specs/examples/consent-credential.json"))).RootElement;

        Assert.True(VerifiableCredential.TryRead(example, out var credential, out var modelError), modelError.ToString());
        Assert.True(ConsentCredential.TryRead(credential, out _, out var error), error.ToString());
    }

    public static TheoryData<string, string, ConsentError> ShapeErrors() => new()
    {
        { "type", "[\"VerifiableCredential\"]", ConsentError.NotConsent },
        { "issuer", "\"https://patient.example\"", ConsentError.IssuerNotDid },
        { "credentialSubject", "[{\"id\":\"did:example:a\",\"recordTypes\":[\"Observation\"],\"purposeOfUse\":[\"TREAT\"]},{\"id\":\"did:example:b\"}]", ConsentError.NotOneSubject },
        { "credentialSubject", "{\"id\":\"provider\",\"recordTypes\":[\"Observation\"],\"purposeOfUse\":[\"TREAT\"]}", ConsentError.GranteeNotDid },
        { "credentialSubject", "{\"id\":\"did:example:a\",\"purposeOfUse\":[\"TREAT\"]}", ConsentError.EmptyScope },
        { "credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":\"Observation\",\"purposeOfUse\":[\"TREAT\"]}", ConsentError.EmptyScope },
        { "credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[\"observation\"],\"purposeOfUse\":[\"TREAT\"]}", ConsentError.InvalidRecordType },
        { "credentialSubject", "{\"id\":\"did:example:a\",\"recordIds\":[\"../etc/passwd\"],\"purposeOfUse\":[\"TREAT\"]}", ConsentError.InvalidRecordId },
        { "credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[\"Observation\"]}", ConsentError.NoPurpose },
        { "credentialSubject", "{\"id\":\"did:example:a\",\"recordTypes\":[\"Observation\"],\"purposeOfUse\":[\"treat\"]}", ConsentError.UnknownPurpose },
        { "credentialStatus", "{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"suspension\",\"statusListIndex\":\"1\",\"statusListCredential\":\"https://x/1\"}", ConsentError.NoRevocationEntry },
        { "credentialStatus", "{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\",\"statusListIndex\":1,\"statusListCredential\":\"https://x/1\"}", ConsentError.NoRevocationEntry },
    };

    [Theory]
    [MemberData(nameof(ShapeErrors))]
    public void Shape_errors_are_named(string member, string value, ConsentError expected)
    {
        var json = _s.UnsignedConsent();
        json[member] = JsonNode.Parse(value);

        Assert.Equal((CredentialError.None, expected), Read(json));
        Assert.DoesNotContain("{", ConsentCredential.Describe(expected), StringComparison.Ordinal);
    }

    [Fact]
    public void A_consent_without_valid_from_is_refused()
    {
        var json = _s.UnsignedConsent();
        json.Remove("validFrom");

        Assert.Equal((CredentialError.None, ConsentError.NoValidFrom), Read(json));
    }

    [Fact]
    public void Building_a_malformed_consent_throws_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => ConsentCredential.Create(
            "urn:uuid:1", _s.PatientDid, _s.ProviderDid, new ConsentScope([], []), ["TREAT"], ConsentScenario.Now, null,
            new Status.BitstringStatusListEntry(null, "revocation", 1, "https://x/1")));

        Assert.Contains("recordTypes or recordIds", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, CredentialError> ModelErrors() => new()
    {
        { "@context", "[\"https://www.w3.org/ns/credentials/examples/v2\"]", CredentialError.InvalidContext },
        { "@context", "\"https://www.w3.org/ns/credentials/v2\"", CredentialError.InvalidContext },
        { "type", "\"ConsentCredential\"", CredentialError.InvalidType },
        { "issuer", "42", CredentialError.InvalidIssuer },
        { "issuer", null, CredentialError.InvalidIssuer },
        { "credentialSubject", "[]", CredentialError.InvalidSubject },
        { "credentialSubject", "\"did:example:a\"", CredentialError.InvalidSubject },
        { "validUntil", "\"2020-01-01T00:00:00Z\"", CredentialError.InvalidValidityPeriod },
        { "validFrom", "\"2026-11-21\"", CredentialError.InvalidValidityPeriod },
        { "credentialStatus", "[{\"id\":\"x\"}]", CredentialError.InvalidStatus },
        { "credentialSchema", "{\"type\":\"JsonSchema\"}", CredentialError.InvalidSchema },
        { "id", "7", CredentialError.InvalidId },
    };

    [Theory]
    [MemberData(nameof(ModelErrors))]
    public void Model_errors_are_named(string member, string? value, CredentialError expected)
    {
        var json = _s.UnsignedConsent();
        if (value is null)
        {
            json.Remove(member);
        }
        else
        {
            json[member] = JsonNode.Parse(value);
        }

        Assert.Equal(expected, Read(json).Model);
    }

    [Fact]
    public void Version_1_1_credentials_are_read_with_issuance_and_expiration_dates()
    {
        var json = JsonDocument.Parse("""
            {"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":{"id":"did:example:i","name":"Clinic"},
             "issuanceDate":"2020-01-01T00:00:00Z","expirationDate":"2030-01-01T00:00:00+01:00","credentialSubject":{"id":"did:example:s"}}
            """).RootElement;

        Assert.True(VerifiableCredential.TryRead(json, out var credential, out var error), error.ToString());
        Assert.Equal((1, "did:example:i"), (credential.Version, credential.Issuer));
        Assert.Equal(new DateTimeOffset(2029, 12, 31, 23, 0, 0, TimeSpan.Zero), credential.ValidUntil);
        Assert.False(ConsentCredential.TryRead(credential, out _, out var consentError));
        Assert.Equal(ConsentError.NotConsent, consentError);
    }

    [Fact]
    public void Presentations_are_read_with_holder_and_credentials()
    {
        var json = JsonSerializer.SerializeToElement(_s.Presentation());

        Assert.True(VerifiablePresentation.TryRead(json, out var presentation, out _));
        Assert.Equal(_s.ProviderDid.ToString(), presentation.Holder);
        Assert.Single(presentation.Credentials);
        Assert.False(VerifiablePresentation.TryRead(JsonDocument.Parse("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":[\"VerifiablePresentation\"],\"verifiableCredential\":[\"eyJ\"]}").RootElement, out _, out var error));
        Assert.Equal(CredentialError.InvalidEmbeddedCredential, error);
    }
}
