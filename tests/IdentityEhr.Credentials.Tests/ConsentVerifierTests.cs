using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Credentials.Tests;

/// <summary>The verification pipeline: one test per reason, each changing exactly one thing from a granted request.</summary>
public sealed class ConsentVerifierTests : IDisposable
{
    private readonly ConsentScenario _s = new();

    public void Dispose() => _s.Dispose();

    private async Task AssertReason(AccessReason expected, JsonObject presentation, AccessRequest? request = null)
    {
        var decision = await _s.DecideAsync(presentation, request);
        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public async Task A_valid_presentation_of_a_valid_consent_is_granted_with_its_evidence()
    {
        var decision = await _s.DecideAsync(_s.Presentation());

        Assert.True(decision.Granted, decision.Reason.ToString());
        Assert.Equal(64, decision.Evidence.PresentationHash!.Length);
        Assert.Equal(64, decision.Evidence.CredentialHash!.Length);
        Assert.Equal(64, decision.Evidence.StatusListHash!.Length);
        Assert.Equal((_s.ProviderDid.ToString(), _s.PatientDid.ToString()), (decision.Evidence.Holder, decision.Evidence.Issuer));
    }

    [Fact]
    public async Task Bad_presentation_signature()
    {
        var presentation = _s.Presentation();
        presentation["id"] = "urn:uuid:added-after-signing";

        await AssertReason(AccessReason.PresentationSignatureInvalid, presentation);
    }

    [Fact]
    public async Task Presentation_by_a_key_not_under_authentication() =>
        await AssertReason(AccessReason.PresentationKeyNotAuthentication, _s.Presentation(method: ConsentScenario.KeyAgreementMethodOf(_s.Provider)));

    [Fact]
    public async Task Replayed_challenge()
    {
        var challenge = _s.Challenges.Issue();
        Assert.True((await _s.DecideAsync(_s.Presentation(challenge: challenge))).Granted);

        await AssertReason(AccessReason.ChallengeReplayed, _s.Presentation(challenge: challenge));
    }

    [Fact]
    public async Task Expired_challenge()
    {
        var presentation = _s.Presentation();
        _s.Clock.SetUtcNow(ConsentScenario.Now.AddMinutes(6));

        await AssertReason(AccessReason.ChallengeExpired, presentation);
    }

    [Fact]
    public void Used_challenges_are_remembered_while_they_could_be_used_and_forgotten_after()
    {
        var challenge = _s.Challenges.Issue();
        Assert.Equal(0, _s.Challenges.Count); // issuing stores nothing
        Assert.Equal(ChallengeOutcome.Accepted, _s.Challenges.Consume(challenge));
        Assert.Equal(1, _s.Challenges.Count);

        _s.Clock.SetUtcNow(ConsentScenario.Now.AddMinutes(4));
        Assert.Equal(ChallengeOutcome.Replayed, _s.Challenges.Consume(challenge));

        // Past its five minutes it is expired, and the next use of another challenge forgets it.
        _s.Clock.SetUtcNow(ConsentScenario.Now.AddMinutes(7));
        Assert.Equal(ChallengeOutcome.Expired, _s.Challenges.Consume(challenge));
        Assert.Equal(ChallengeOutcome.Accepted, _s.Challenges.Consume(_s.Challenges.Issue()));
        Assert.Equal(1, _s.Challenges.Count);
    }

    [Fact]
    public void A_challenge_this_registry_did_not_make_is_unknown()
    {
        var challenge = _s.Challenges.Issue();
        var other = new ChallengeRegistry(_s.Clock, TimeSpan.FromMinutes(5));
        var altered = challenge[..^2] + (challenge[^2] == 'A' ? 'B' : 'A') + challenge[^1];

        Assert.Equal(ChallengeOutcome.Unknown, other.Consume(challenge));
        Assert.Equal(ChallengeOutcome.Unknown, _s.Challenges.Consume(altered));
        Assert.Equal(ChallengeOutcome.Unknown, _s.Challenges.Consume(challenge + "A"));
        Assert.Equal(ChallengeOutcome.Accepted, _s.Challenges.Consume(challenge));
    }

    [Fact]
    public async Task Unknown_challenge() => await AssertReason(AccessReason.ChallengeUnknown, _s.Presentation(challenge: "never-issued"));

    [Fact]
    public async Task Wrong_domain() => await AssertReason(AccessReason.WrongDomain, _s.Presentation(domain: "evil.example"));

    [Fact]
    public async Task Bad_credential_signature()
    {
        var consent = _s.Consent();
        consent["credentialSubject"]!["purposeOfUse"] = new JsonArray("TREAT", "HRESCH");

        await AssertReason(AccessReason.CredentialSignatureInvalid, _s.Presentation(consent));
    }

    [Fact]
    public async Task Issuer_key_not_under_assertion_method() =>
        await AssertReason(AccessReason.IssuerKeyNotAssertionMethod, _s.Presentation(_s.Consent(method: ConsentScenario.KeyAgreementMethodOf(_s.Patient))));

    [Fact]
    public async Task Credential_signed_by_someone_other_than_its_issuer() =>
        await AssertReason(AccessReason.IssuerKeyNotAssertionMethod, _s.Presentation(_s.Consent(signer: _s.Service)));

    [Fact]
    public async Task Not_yet_valid() =>
        await AssertReason(AccessReason.NotYetValid, _s.Presentation(_s.Consent(unsecured: _s.UnsignedConsent(validFrom: ConsentScenario.Now.AddMinutes(2)))));

    [Fact]
    public async Task Within_the_clock_skew_is_valid() =>
        await AssertReason(AccessReason.Granted, _s.Presentation(_s.Consent(unsecured: _s.UnsignedConsent(validFrom: ConsentScenario.Now.AddSeconds(30)))));

    [Fact]
    public async Task Expired() =>
        await AssertReason(AccessReason.Expired, _s.Presentation(_s.Consent(unsecured: _s.UnsignedConsent(validFrom: ConsentScenario.Now.AddDays(-10), validUntil: ConsentScenario.Now.AddMinutes(-2)))));

    [Fact]
    public async Task A_consent_presented_again_is_granted_with_the_same_credential_hash()
    {
        var consent = _s.Consent();
        var first = await _s.DecideAsync(_s.Presentation(consent));

        var again = await _s.DecideAsync(_s.Presentation(consent.DeepClone().AsObject()));

        Assert.Equal((AccessReason.Granted, first.Evidence.CredentialHash), (again.Reason, again.Evidence.CredentialHash));
    }

    [Fact]
    public async Task A_consent_altered_after_it_verified_once_is_refused_as_CredentialSignatureInvalid()
    {
        var consent = _s.Consent();
        Assert.True((await _s.DecideAsync(_s.Presentation(consent))).Granted);
        var altered = consent.DeepClone().AsObject();
        altered["credentialSubject"]!["purposeOfUse"] = new JsonArray("TREAT", "HRESCH");

        await AssertReason(AccessReason.CredentialSignatureInvalid, _s.Presentation(altered));
    }

    [Fact]
    public async Task Revoked()
    {
        _s.PublishStatusList(Bitstring.Create().With(ConsentScenario.StatusIndex, 1));

        await AssertReason(AccessReason.Revoked, _s.Presentation());
    }

    [Fact]
    public async Task Revocation_is_seen_once_the_cached_list_expires()
    {
        Assert.True((await _s.DecideAsync(_s.Presentation())).Granted);
        _s.PublishStatusList(Bitstring.Create().With(ConsentScenario.StatusIndex, 1));
        Assert.True((await _s.DecideAsync(_s.Presentation())).Granted);
        Assert.Equal(1, _s.Lists.Fetches);

        _s.Clock.SetUtcNow(ConsentScenario.Now.AddMinutes(5).AddSeconds(1));

        await AssertReason(AccessReason.Revoked, _s.Presentation());
    }

    [Fact]
    public async Task A_status_list_signed_by_an_untrusted_issuer_is_unavailable()
    {
        using var mallory = PrivateKey.Generate(KeyType.Ed25519);
        var malloryDid = DidKey.Create(mallory.PublicKey).ToString();
        var unsecured = BitstringStatusList.CreateCredential(ConsentScenario.StatusListUrl, malloryDid, "revocation", Bitstring.Create(), ConsentScenario.Now.AddDays(-1), TimeSpan.FromMinutes(5));
        _s.Lists.Put(ConsentScenario.StatusListUrl, DataIntegrity.EddsaJcs2022.Sign(unsecured, new DataIntegrity.ProofOptions(ConsentScenario.MethodOf(mallory), "assertionMethod", ConsentScenario.Now), mallory));

        await AssertReason(AccessReason.StatusUnavailable, _s.Presentation());
    }

    [Fact]
    public async Task Wrong_issuer()
    {
        using var stranger = PrivateKey.Generate(KeyType.Ed25519);
        var consent = _s.Consent(signer: stranger, unsecured: _s.UnsignedConsent(issuer: DidKey.Create(stranger.PublicKey)));

        await AssertReason(AccessReason.WrongIssuer, _s.Presentation(consent));
    }

    [Fact]
    public async Task A_delegate_the_patient_named_may_consent()
    {
        using var guardian = PrivateKey.Generate(KeyType.Ed25519);
        var guardianDid = DidKey.Create(guardian.PublicKey);
        var consent = _s.Consent(signer: guardian, unsecured: _s.UnsignedConsent(issuer: guardianDid));

        await AssertReason(AccessReason.Granted, _s.Presentation(consent), _s.Request with { Delegates = [guardianDid] });
    }

    [Fact]
    public async Task Out_of_scope_record_type() =>
        await AssertReason(AccessReason.OutOfScope, _s.Presentation(), _s.Request with { RecordType = "MedicationRequest" });

    [Fact]
    public async Task Disallowed_purpose() =>
        await AssertReason(AccessReason.PurposeNotAllowed, _s.Presentation(), _s.Request with { PurposeOfUse = "HRESCH" });

    [Fact]
    public async Task Holder_is_not_the_subject()
    {
        using var other = PrivateKey.Generate(KeyType.Ed25519);

        await AssertReason(AccessReason.HolderNotSubject, _s.Presentation(signer: other));
    }

    [Fact]
    public async Task Holder_is_not_the_signer() =>
        await AssertReason(AccessReason.HolderNotSigner, _s.Presentation(holder: _s.PatientDid));

    [Fact]
    public async Task No_consent()
    {
        var other = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new JsonArray("VerifiableCredential"),
            ["issuer"] = "did:example:x",
            ["credentialSubject"] = new JsonObject(),
        };
        var empty = _s.Presentation(consent: other);

        await AssertReason(AccessReason.NoConsent, empty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":[\"VerifiablePresentation\"]}")]
    public async Task Malformed_presentations_are_refused(string json)
    {
        var decision = await _s.Verifier.VerifyAsync(System.Text.Encoding.UTF8.GetBytes(json), _s.Request, TestContext.Current.CancellationToken);

        Assert.Equal(AccessReason.MalformedPresentation, decision.Reason);
    }

    [Fact]
    public async Task Oversized_presentations_are_refused_before_parsing()
    {
        var decision = await _s.Verifier.VerifyAsync(new byte[(64 * 1024) + 1], _s.Request, TestContext.Current.CancellationToken);

        Assert.Equal(AccessReason.MalformedPresentation, decision.Reason);
    }

    [Fact]
    public void Any_flipped_bit_in_a_signed_consent_is_not_granted()
    {
        var consent = JsonSerializer.SerializeToUtf8Bytes(_s.Consent());
        Prop.ForAll(Arb.From(Gen.Choose(0, consent.Length - 1)), Arb.From(Gen.Choose(0, 7)), (index, bit) =>
        {
            var tampered = (byte[])consent.Clone();
            tampered[index] ^= (byte)(1 << bit);
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(tampered);
            }
            catch (JsonException)
            {
                return true;
            }
            catch (InvalidOperationException)
            {
                return true;
            }

            if (node is not JsonObject tamperedConsent)
            {
                return true;
            }

            var decision = _s.Verifier.VerifyAsync(JsonSerializer.SerializeToUtf8Bytes(_s.Presentation(tamperedConsent)), _s.Request).AsTask().GetAwaiter().GetResult();
            return !decision.Granted;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
    }
}
