using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Credentials.Tests;

/// <summary>The pipeline with the JOSE securing form: <c>vp+jwt</c> presentations and enveloped <c>vc+jwt</c> consents, and mixtures.</summary>
public sealed class JoseConsentVerifierTests : IDisposable
{
    private readonly ConsentScenario _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public async Task A_vp_jwt_carrying_a_vc_jwt_consent_is_granted_with_its_evidence()
    {
        var decision = await _s.DecideAsync(_s.JosePresentation());

        Assert.True(decision.Granted, decision.Reason.ToString());
        Assert.Equal((_s.ProviderDid.ToString(), _s.PatientDid.ToString()), (decision.Evidence.Holder, decision.Evidence.Issuer));
        Assert.Equal(64, decision.Evidence.CredentialHash!.Length);
    }

    [Fact]
    public async Task Mixed_forms_are_granted()
    {
        Assert.True((await _s.DecideAsync(_s.JosePresentation(_s.Consent()))).Granted);
        Assert.True((await _s.DecideAsync(_s.Presentation(_s.EnvelopedConsent()))).Granted);
    }

    [Fact]
    public async Task Bad_vp_jwt_signature()
    {
        var parts = _s.JosePresentation().Split('.');
        parts[2] = parts[2][..^2] + (parts[2][^2] == 'A' ? "BA" : "AA");

        Assert.Equal(AccessReason.PresentationSignatureInvalid, (await _s.DecideAsync(string.Join('.', parts))).Reason);
    }

    [Fact]
    public async Task Vp_jwt_by_a_key_not_under_authentication() =>
        Assert.Equal(AccessReason.PresentationKeyNotAuthentication, (await _s.DecideAsync(_s.JosePresentation(method: ConsentScenario.KeyAgreementMethodOf(_s.Provider)))).Reason);

    [Fact]
    public async Task Replayed_challenge_in_a_vp_jwt()
    {
        var challenge = _s.Challenges.Issue();
        Assert.True((await _s.DecideAsync(_s.JosePresentation(challenge: challenge))).Granted);

        Assert.Equal(AccessReason.ChallengeReplayed, (await _s.DecideAsync(_s.JosePresentation(challenge: challenge))).Reason);
    }

    [Fact]
    public async Task Wrong_audience_in_a_vp_jwt() =>
        Assert.Equal(AccessReason.WrongDomain, (await _s.DecideAsync(_s.JosePresentation(domain: "evil.example"))).Reason);

    [Fact]
    public async Task Bad_vc_jwt_signature()
    {
        var enveloped = _s.EnvelopedConsent();
        var parts = enveloped["id"]!.GetValue<string>().Split('.');
        parts[2] = parts[2][..^2] + (parts[2][^2] == 'A' ? "BA" : "AA");
        enveloped["id"] = string.Join('.', parts);

        Assert.Equal(AccessReason.CredentialSignatureInvalid, (await _s.DecideAsync(_s.JosePresentation(enveloped))).Reason);
    }

    [Fact]
    public async Task Vc_jwt_by_a_key_not_under_assertion_method() =>
        Assert.Equal(AccessReason.IssuerKeyNotAssertionMethod, (await _s.DecideAsync(_s.JosePresentation(_s.EnvelopedConsent(method: ConsentScenario.KeyAgreementMethodOf(_s.Patient))))).Reason);

    [Fact]
    public async Task Vc_jwt_issued_by_a_stranger_is_the_wrong_issuer()
    {
        using var stranger = PrivateKey.Generate(KeyType.Ed25519);
        var enveloped = _s.EnvelopedConsent(stranger, unsecured: _s.UnsignedConsent(issuer: DidKey.Create(stranger.PublicKey)));

        Assert.Equal(AccessReason.WrongIssuer, (await _s.DecideAsync(_s.JosePresentation(enveloped))).Reason);
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("...")]
    [InlineData("eyJhbGciOiJub25lIn0.e30.")]
    public async Task Malformed_compact_presentations_are_refused(string compact) =>
        Assert.Equal(AccessReason.MalformedPresentation, (await _s.DecideAsync(compact)).Reason);

    [Fact]
    public async Task An_enveloped_credential_that_is_not_a_consent_is_no_consent()
    {
        var other = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["id"] = "data:application/vc+jwt,not-a-jwt",
            ["type"] = "EnvelopedVerifiableCredential",
        };

        Assert.Equal(AccessReason.NoConsent, (await _s.DecideAsync(_s.JosePresentation(other))).Reason);
    }
}
