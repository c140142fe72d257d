using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Emergency;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Credentials.Tests;

/// <summary>
/// Break-glass: the <c>EmergencyAccessAccreditation</c> shape, and <see cref="ConsentVerifier.VerifyEmergencyAsync"/> — one test
/// per reason, each changing one thing from a granted request; the scenario's service DID is the trusted accreditor.
/// </summary>
public sealed class EmergencyAccessTests : IDisposable
{
    private readonly ConsentScenario _s = new();
    private readonly PrivateKey _stranger = PrivateKey.Generate(KeyType.Ed25519);
    private readonly ConsentVerifier _verifier;

    public EmergencyAccessTests()
    {
        _verifier = new ConsentVerifier(_s.Resolver, _s.Challenges, _s.Lists, new VerifierOptions(ConsentScenario.Domain) { TrustedAccreditors = [_s.ServiceDid.ToString()] }, _s.Clock);
    }

    public void Dispose()
    {
        _s.Dispose();
        _stranger.Dispose();
    }

    private AccessRequest Emergency(string purpose = "ETREAT") => _s.Request with { PurposeOfUse = purpose };

    private JsonObject Unsigned(
        Did? accreditor = null, Did? provider = null, string[]? purposes = null, DateTimeOffset? from = null, DateTimeOffset? until = null, bool revocable = false)
    {
        var credential = AccreditationCredential.Create(
            "urn:uuid:5f0c2b8e-3a47-4e0b-9d61-7c2a9e4b1d30", accreditor ?? _s.ServiceDid, provider ?? _s.ProviderDid, purposes ?? ["ETREAT", "BTG"],
            from ?? ConsentScenario.Now.AddDays(-1), until ?? ConsentScenario.Now.AddDays(30));
        if (revocable)
        {
            credential["credentialStatus"] = new BitstringStatusListEntry(
                $"{ConsentScenario.StatusListUrl}#9", BitstringStatusListEntry.Revocation, 9, ConsentScenario.StatusListUrl).ToJson();
        }

        return credential;
    }

    private JsonObject Signed(JsonObject unsigned, PrivateKey? signer = null) =>
        EddsaJcs2022.Sign(unsigned, new ProofOptions(ConsentScenario.MethodOf(signer ?? _s.Service), ProofOptions.AssertionMethod, ConsentScenario.Now.AddDays(-1)), signer ?? _s.Service);

    private async Task<AccessDecision> DecideAsync(JsonObject presentation, AccessRequest? request = null) =>
        await _verifier.VerifyEmergencyAsync(JsonSerializer.SerializeToUtf8Bytes(presentation), request ?? Emergency(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_trusted_accreditation_naming_the_holder_is_granted_with_its_evidence()
    {
        var decision = await DecideAsync(_s.Presentation(Signed(Unsigned())));

        Assert.True(decision.Granted, decision.Reason.ToString());
        Assert.Equal((_s.ProviderDid.ToString(), _s.ServiceDid.ToString()), (decision.Evidence.Holder, decision.Evidence.Issuer));
        Assert.Equal(64, decision.Evidence.CredentialHash!.Length);
        Assert.Equal("urn:uuid:5f0c2b8e-3a47-4e0b-9d61-7c2a9e4b1d30", decision.Evidence.Credential);
    }

    [Fact]
    public async Task Each_refusal_has_its_reason()
    {
        Assert.Equal(AccessReason.NoAccreditation, (await DecideAsync(_s.Presentation())).Reason); // a consent is no accreditation
        var untrusted = await DecideAsync(_s.Presentation(Signed(Unsigned(accreditor: _s.PatientDid), _s.Patient)));
        Assert.Equal((AccessReason.UntrustedAccreditor, null), (untrusted.Reason, untrusted.Evidence.Issuer)); // an unverified claim names nobody
        Assert.Equal(AccessReason.HolderNotSubject, (await DecideAsync(_s.Presentation(Signed(Unsigned(provider: DidKey.Create(_stranger.PublicKey)))))).Reason);
        Assert.Equal(AccessReason.NotYetValid, (await DecideAsync(_s.Presentation(Signed(Unsigned(from: ConsentScenario.Now.AddDays(1), until: ConsentScenario.Now.AddDays(2)))))).Reason);
        Assert.Equal(AccessReason.Expired, (await DecideAsync(_s.Presentation(Signed(Unsigned(from: ConsentScenario.Now.AddDays(-9), until: ConsentScenario.Now.AddDays(-2)))))).Reason);
        Assert.Equal(AccessReason.PurposeNotAllowed, (await DecideAsync(_s.Presentation(Signed(Unsigned(purposes: ["ETREAT"]))), Emergency("BTG"))).Reason);
        Assert.Equal(AccessReason.IssuerKeyNotAssertionMethod, (await DecideAsync(_s.Presentation(Signed(Unsigned(), _stranger)))).Reason);
        var tampered = Signed(Unsigned());
        tampered["validUntil"] = "2030-01-01T00:00:00Z";
        Assert.Equal(AccessReason.CredentialSignatureInvalid, (await DecideAsync(_s.Presentation(tampered))).Reason);
        Assert.Equal(AccessReason.ChallengeReplayed, (await DecideAsync(_s.Presentation(Signed(Unsigned()), challenge: ReplayedChallenge()))).Reason);
        Assert.Equal(AccessReason.NoAccreditation, (await DecideAsync(PresentationOf(Twice(Signed(Unsigned()))))).Reason);
    }

    private string ReplayedChallenge()
    {
        var challenge = _s.Challenges.Issue();
        Assert.Equal(ChallengeOutcome.Accepted, _s.Challenges.Consume(challenge));
        return challenge;
    }

    private static JsonArray Twice(JsonObject credential) => [credential.DeepClone(), credential.DeepClone()];

    private JsonObject PresentationOf(JsonArray credentials)
    {
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = _s.ProviderDid.ToString(),
            ["verifiableCredential"] = credentials,
        };
        return EddsaJcs2022.Sign(
            presentation,
            new ProofOptions(ConsentScenario.MethodOf(_s.Provider), ProofOptions.Authentication, _s.Clock.GetUtcNow()) { Challenge = _s.Challenges.Issue(), Domain = ConsentScenario.Domain },
            _s.Provider);
    }

    [Fact]
    public async Task An_accreditor_revokes_an_accreditation_through_its_status_list()
    {
        var presentation = () => _s.Presentation(Signed(Unsigned(revocable: true)));
        Assert.True((await DecideAsync(presentation())).Granted);

        _s.PublishStatusList(Bitstring.Create().With(9, 1));
        _verifier.ForgetStatusList(ConsentScenario.StatusListUrl);

        Assert.Equal(AccessReason.Revoked, (await DecideAsync(presentation())).Reason);
    }

    [Fact]
    public async Task A_cached_list_of_one_issuer_is_not_taken_for_another_issuers()
    {
        // The accreditor's list is cached while checking its accreditation; a consent by the patient that points at the same URL
        // must not be checked against it (the patient did not sign that list).
        var verifier = new ConsentVerifier(_s.Resolver, _s.Challenges, _s.Lists, new VerifierOptions(ConsentScenario.Domain) { TrustedAccreditors = [_s.ServiceDid.ToString()] }, _s.Clock);
        Assert.True((await verifier.VerifyEmergencyAsync(JsonSerializer.SerializeToUtf8Bytes(_s.Presentation(Signed(Unsigned(revocable: true)))), Emergency(), TestContext.Current.CancellationToken)).Granted);

        var decision = await verifier.VerifyAsync(JsonSerializer.SerializeToUtf8Bytes(_s.Presentation()), _s.Request, TestContext.Current.CancellationToken);

        Assert.Equal(AccessReason.StatusUnavailable, decision.Reason);
    }

    [Fact]
    public void Create_refuses_what_TryRead_refuses()
    {
        Assert.Throws<ArgumentException>(() => Unsigned(purposes: ["TREAT"]));
        Assert.Throws<ArgumentException>(() => Unsigned(purposes: []));
        Assert.Throws<ArgumentException>(() => Unsigned(from: ConsentScenario.Now, until: ConsentScenario.Now.AddDays(367)));
        Assert.Throws<ArgumentException>(() => Unsigned(from: ConsentScenario.Now, until: ConsentScenario.Now));
    }

    [Fact]
    public void A_purpose_that_is_not_valid_UTF_8_is_refused_not_thrown()
    {
        // Found by the property below: System.Text.Json parses such a string and throws only when asked for its text.
        var json = JsonSerializer.SerializeToUtf8Bytes(Unsigned());
        var at = json.AsSpan().IndexOf("\"ETREAT\""u8) + 2;
        json[at] = 0x83;
        using var document = JsonDocument.Parse(json);
        Assert.True(VerifiableCredential.TryRead(document.RootElement, out var credential, out _));

        Assert.False(AccreditationCredential.TryRead(credential, out _, out var problem));
        Assert.Contains("purposeOfUse", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_any_edit_of_an_accreditation_never_throws_and_accepts_only_well_formed_ones()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Signed(Unsigned()));
        Prop.ForAll(Arb.From(Gen.Choose(0, json.Length - 1)), Arb.From(Gen.Choose(0, 255)), (index, value) =>
        {
            var edited = (byte[])json.Clone();
            edited[index] = (byte)value;
            try
            {
                using var document = JsonDocument.Parse(edited);
                if (!VerifiableCredential.TryRead(document.RootElement, out var credential, out _))
                {
                    return true;
                }

                // Whatever it reads must hold what an accreditation promises.
                return !AccreditationCredential.TryRead(credential, out var accreditation, out var problem)
                    ? problem.Length > 0
                    : accreditation.ValidUntil > accreditation.ValidFrom && accreditation.ValidUntil - accreditation.ValidFrom <= AccreditationCredential.MaxValidity
                        && accreditation.PurposesOfUse.All(p => p is "ETREAT" or "BTG") && accreditation.PurposesOfUse.Count > 0;
            }
            catch (JsonException)
            {
                return true;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true));
    }
}
