using System.Text.Json;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Tests;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>
/// Put → consent-gated release → local decrypt, with real decisions of the verification pipeline: the patient's consent in the
/// provider's presentation, the status list checked, the key released to the provider's did:key key-agreement key.
/// </summary>
public sealed class ConsentGatedReleaseTests(PostgresFixture postgres)
{
    private static readonly byte[] s_observation = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_granted_presentation_releases_the_record_to_the_provider_who_decrypts_the_exact_bytes()
    {
        using var scenario = new ConsentScenario();
        await using var rig = await VaultRig.StartAsync(postgres, nameof(A_granted_presentation_releases_the_record_to_the_provider_who_decrypts_the_exact_bytes), directory: false, Ct);
        var stored = await rig.Vault.PutAsync(new RecordSubmission(scenario.PatientDid.ToString(), scenario.ProviderDid.ToString(), "Observation", s_observation), Ct);
        var request = new AccessRequest(scenario.PatientDid, "Observation", stored.RecordId, "TREAT");

        var decision = await scenario.DecideAsync(scenario.Presentation(), request);
        var resolved = await scenario.Resolver.ResolveAsync(scenario.ProviderDid, null, Ct);
        Assert.True(RecordRecipient.TryFromDocument(resolved.DidDocument!, out var recipient));
        var release = await rig.Vault.ReleaseAsync(request, decision, recipient, consent: "urn:uuid:0b7f0d2e-8a3c-4c55-9a54-0c3e2c0f1a11", cancellationToken: Ct);

        // The provider's side: its did:key's X25519 key, derived from its Ed25519 key; the release travels as its document.
        Assert.True(RecordRelease.TryParse(JsonSerializer.SerializeToUtf8Bytes(release.ToJson()), out var received, out var error), error);
        using var agreement = scenario.Provider.ToX25519();
        Assert.Equal(RecordOpenError.None, received.TryOpen(agreement, out var plaintext));
        Assert.Equal(s_observation, plaintext);
        Assert.Equal(ConsentScenario.KeyAgreementMethodOf(scenario.Provider), recipient.KeyId);

        var granted = (await rig.Store.FindAsync(release.EventId, Ct))!.Entry;
        Assert.Equal((AuditEventType.AccessGranted, scenario.ProviderDid.ToString(), scenario.PatientDid.ToString(), stored.RecordId, "TREAT"),
            (granted.Type, granted.Actor, granted.Subject, granted.Record, granted.Purpose));
        Assert.Equal(decision.Evidence.CredentialHash, granted.Evidence!.Credential);
        Assert.Equal(decision.Evidence.StatusListHash, granted.Evidence.StatusList);
    }

    [Fact]
    public async Task Revoked_out_of_scope_and_mismatched_decisions_release_nothing()
    {
        using var scenario = new ConsentScenario();
        await using var rig = await VaultRig.StartAsync(postgres, nameof(Revoked_out_of_scope_and_mismatched_decisions_release_nothing), directory: false, Ct);
        var patient = scenario.PatientDid.ToString();
        var observation = await rig.Vault.PutAsync(new RecordSubmission(patient, scenario.ProviderDid.ToString(), "Observation", s_observation), Ct);
        var procedure = await rig.Vault.PutAsync(new RecordSubmission(patient, scenario.ProviderDid.ToString(), "Procedure", s_observation), Ct);
        var resolved = await scenario.Resolver.ResolveAsync(scenario.ProviderDid, null, Ct);
        Assert.True(RecordRecipient.TryFromDocument(resolved.DidDocument!, out var recipient));
        var before = (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize;

        // The consent covers Observation and Condition, not Procedure: the verifier says OutOfScope.
        var procedureRequest = new AccessRequest(scenario.PatientDid, "Procedure", procedure.RecordId, "TREAT");
        var outOfScope = await scenario.DecideAsync(scenario.Presentation(), procedureRequest);

        // A request that claims the procedure is an Observation is granted by the verifier, but the vault checks the record's type.
        var lyingRequest = new AccessRequest(scenario.PatientDid, "Observation", procedure.RecordId, "TREAT");
        var lied = await scenario.DecideAsync(scenario.Presentation(), lyingRequest);

        // Revoked: the status bit set in the list the patient's consent names.
        scenario.PublishStatusList(Bitstring.Create().With(ConsentScenario.StatusIndex, 1));
        scenario.Clock.SetUtcNow(ConsentScenario.Now.AddMinutes(6)); // past the list's ttl, so the verifier fetches it again
        var observationRequest = new AccessRequest(scenario.PatientDid, "Observation", observation.RecordId, "TREAT");
        var revoked = await scenario.DecideAsync(scenario.Presentation(), observationRequest);

        Assert.Equal([AccessReason.OutOfScope, AccessReason.Granted, AccessReason.Revoked], new[] { outOfScope.Reason, lied.Reason, revoked.Reason });
        var refusals = new[]
        {
            await Assert.ThrowsAsync<RecordVaultException>(() => rig.Vault.ReleaseAsync(procedureRequest, outOfScope, recipient, cancellationToken: Ct)),
            await Assert.ThrowsAsync<RecordVaultException>(() => rig.Vault.ReleaseAsync(lyingRequest, lied, recipient, cancellationToken: Ct)),
            await Assert.ThrowsAsync<RecordVaultException>(() => rig.Vault.ReleaseAsync(observationRequest, revoked, recipient, cancellationToken: Ct)),
        };
        Assert.Equal([VaultError.NotGranted, VaultError.RequestMismatch, VaultError.NotGranted], refusals.Select(e => e.Error));
        Assert.Equal(before, (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize);
    }

    [Fact]
    public void Release_documents_that_are_not_releases_are_refused_with_the_member_named()
    {
        var cases = new Dictionary<string, string>
        {
            ["not json"] = "not JSON",
            ["[]"] = "record: expected an object",
            ["{\"record\":{}}"] = "record: expected a string of 1 to 64 characters",
            ["{\"record\":{\"record\":\"a\",\"record\":\"b\"}}"] = "not JSON",
            ["{\"record\":{\"record\":\"\\uD800\"}}"] = "a string holds an escape that is no character",
        };
        foreach (var (text, expected) in cases)
        {
            Assert.False(RecordRelease.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out _, out var error));
            Assert.Equal(expected, error);
        }

        Assert.False(RecordRelease.TryParse(new byte[RecordRelease.MaxDocumentLength + 1], out _, out var tooLarge));
        Assert.Equal("the document is too large", tooLarge);
    }
}
