using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Api.Access;
using IdentityEhr.Api.Auth;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Emergency;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// Who may do what (issue 9): registration, who stores for whom, consent registration and revocation (only the patient), history
/// (only the patient), break-glass refusals, and the rate limits — each refusal with its problem type and nothing changed.
/// </summary>
public sealed class AuthorizationTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private static readonly byte[] s_observation = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));
    private readonly PrivateKey _patient = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _other = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _provider = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _accreditor = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _stranger = PrivateKey.Generate(KeyType.Ed25519);
    private TestSchema _schema = null!;
    private RunningService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Did(PrivateKey key) => DidKey.Create(key.PublicKey).ToString();

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(AuthorizationTests), Ct);
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct,
            accreditors: new AccreditorOptions([Did(_accreditor)], null), rateLimits: new RateLimits(perDid: 50, perIp: 0));
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _schema.DisposeAsync();
        foreach (var key in new[] { _patient, _other, _provider, _accreditor, _stranger })
        {
            key.Dispose();
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, PrivateKey signer, string contentType = "application/json") =>
        _service.SendSignedAsync(method, path, body, signer, contentType, Ct);

    private static async Task<(HttpStatusCode Status, string Type, JsonElement Body)> Outcome(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync(Ct);
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        var type = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        return (response.StatusCode, type[(type.LastIndexOf('/') + 1)..], body);
    }

    private string ListUrl(string id) => new Uri(_service.BaseAddress, "/status-lists/" + id).ToString();

    private static byte[] Signed(JsonObject credential, PrivateKey signer) =>
        JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(credential, new ProofOptions($"{Did(signer)}#{signer.PublicKey.ExportMultikey()}", ProofOptions.AssertionMethod, DateTimeOffset.UtcNow), signer));

    private byte[] List(PrivateKey issuer, string id, params int[] revoked)
    {
        var bits = Bitstring.Create();
        foreach (var index in revoked)
        {
            bits = bits.With(index, 1);
        }

        return Signed(BitstringStatusList.CreateCredential(ListUrl(id), Did(issuer), BitstringStatusListEntry.Revocation, bits, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), issuer);
    }

    private JsonObject Consent(PrivateKey patient, string listId, int index, string? id = null) =>
        JsonNode.Parse(Signed(ConsentCredential.Create(
            id ?? $"urn:uuid:{Guid.NewGuid()}", IdentityEhr.Identity.Dids.Did.Parse(Did(patient)), IdentityEhr.Identity.Dids.Did.Parse(Did(_provider)),
            new ConsentScope(["Observation"], []), ["TREAT"], DateTimeOffset.UtcNow.AddMinutes(-1), null,
            new BitstringStatusListEntry($"{ListUrl(listId)}#{index}", BitstringStatusListEntry.Revocation, index, ListUrl(listId))), patient))!.AsObject();

    /// <summary>The provider presents credentials (Data Integrity VP) for a fresh challenge.</summary>
    private async Task<(HttpStatusCode Status, string Type, JsonElement Body)> PresentAsync(
        string recordId, JsonObject[] credentials, string purpose = "TREAT", string? reason = null, PrivateKey? holder = null)
    {
        holder ??= _provider;
        using var challengeResponse = await _service.Client.PostAsync(new Uri(_service.BaseAddress, "/access/challenges"), new StringContent("{}"), Ct);
        var challenge = JsonDocument.Parse(await challengeResponse.Content.ReadAsStringAsync(Ct)).RootElement;
        var presentation = EddsaJcs2022.Sign(
            new JsonObject
            {
                ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
                ["type"] = new JsonArray("VerifiablePresentation"),
                ["holder"] = Did(holder),
                ["verifiableCredential"] = new JsonArray([.. credentials.Select(c => (JsonNode)c.DeepClone())]),
            },
            new ProofOptions($"{Did(holder)}#{holder.PublicKey.ExportMultikey()}", ProofOptions.Authentication, DateTimeOffset.UtcNow)
            {
                Challenge = challenge.GetProperty("challenge").GetString(),
                Domain = challenge.GetProperty("domain").GetString(),
            },
            holder);
        var body = new JsonObject { ["presentation"] = presentation, ["purpose"] = purpose };
        if (reason is not null)
        {
            body["reason"] = reason;
        }

        var path = reason is null && purpose is not ("ETREAT" or "BTG") ? $"/records/{recordId}/access" : $"/records/{recordId}/emergency-access";
        return await Outcome(_service.Client.PostAsync(new Uri(_service.BaseAddress, path), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct));
    }

    private async Task<string> StoreAsync()
    {
        var (status, _, body) = await Outcome(SendAsync(HttpMethod.Post, $"/records?patient={Did(_patient)}", s_observation, _provider, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("record").GetString()!;
    }

    private async Task<long> EventCountAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM events", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task Registration_decides_who_stores_records_for_whom()
    {
        Assert.Equal(HttpStatusCode.Created, (await Outcome(SendAsync(HttpMethod.Post, "/providers", null, _provider))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Outcome(SendAsync(HttpMethod.Post, "/providers", "{}"u8.ToArray(), _provider))).Status);
        var before = await EventCountAsync();

        // The patient is not registered yet; a stranger is no provider; a body on a registration is refused.
        Assert.Equal((HttpStatusCode.Forbidden, "patient-not-registered"), Pick(await Outcome(SendAsync(HttpMethod.Post, $"/records?patient={Did(_patient)}", s_observation, _provider, "application/fhir+json"))));
        Assert.Equal((HttpStatusCode.BadRequest, "bad-body"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/patients", "{\"did\":\"did:key:z6Mk\"}"u8.ToArray(), _patient))));
        Assert.Equal(HttpStatusCode.Created, (await Outcome(SendAsync(HttpMethod.Post, "/patients", null, _patient))).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "not-a-provider"), Pick(await Outcome(SendAsync(HttpMethod.Post, $"/records?patient={Did(_patient)}", s_observation, _stranger, "application/fhir+json"))));
        Assert.Equal(before, await EventCountAsync());

        // A registered provider stores for the registered patient, and the patient for itself; the patient lists both, the provider its own.
        var byProvider = await StoreAsync();
        Assert.Equal(HttpStatusCode.Created, (await Outcome(SendAsync(HttpMethod.Post, $"/records?patient={Did(_patient)}", s_observation, _patient, "application/fhir+json"))).Status);
        Assert.Equal(2, (await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/records", null, _patient))).Body.GetArrayLength());
        var providers = (await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/records", null, _provider))).Body;
        Assert.Equal(byProvider, Assert.Single(providers.EnumerateArray()).GetProperty("record").GetString());
        Assert.Equal(0, (await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/records", null, _stranger))).Body.GetArrayLength());
    }

    private static (HttpStatusCode, string) Pick((HttpStatusCode Status, string Type, JsonElement Body) outcome) => (outcome.Status, outcome.Type);

    [Fact]
    public async Task Only_the_patient_registers_lists_and_revokes_its_consents_and_a_revocation_cannot_be_undone()
    {
        await _service.RegisterAsync(_patient, "patient", Ct);
        await _service.RegisterAsync(_provider, "provider", Ct);
        var recordId = await StoreAsync();
        var consent = Consent(_patient, "patient-list", 5);
        var consentBytes = JsonSerializer.SerializeToUtf8Bytes(consent);
        var id = consent["id"]!.GetValue<string>();

        // The list must be hosted first; the provider cannot register the patient's consent; malformed bodies are refused.
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "status-list-not-hosted"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", consentBytes, _patient))));
        Assert.Equal(HttpStatusCode.OK, (await Outcome(SendAsync(HttpMethod.Put, "/status-lists/patient-list", List(_patient, "patient-list"), _patient))).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "not-the-patient"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", consentBytes, _provider))));
        Assert.Equal((HttpStatusCode.BadRequest, "bad-json"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", "{\"a\":"u8.ToArray(), _patient))));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid-consent"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", List(_patient, "patient-list"), _patient))));
        var tampered = consent.DeepClone().AsObject();
        tampered["credentialSubject"]!["purposeOfUse"] = new JsonArray("HRESCH");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid-proof"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(tampered), _patient))));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid-proof"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", "eyJhbGciOiJub25lIn0.e30."u8.ToArray(), _patient))));

        // Registered once (201), again (200, same event); another patient cannot take the id.
        var registered = await Outcome(SendAsync(HttpMethod.Post, "/consents", consentBytes, _patient));
        Assert.Equal(HttpStatusCode.Created, registered.Status);
        var again = await Outcome(SendAsync(HttpMethod.Post, "/consents", consentBytes, _patient));
        Assert.Equal((HttpStatusCode.OK, registered.Body.GetProperty("registeredEvent").GetGuid()), (again.Status, again.Body.GetProperty("registeredEvent").GetGuid()));
        await _service.RegisterAsync(_other, "patient", Ct);
        Assert.Equal(HttpStatusCode.OK, (await Outcome(SendAsync(HttpMethod.Put, "/status-lists/other-list", List(_other, "other-list"), _other))).Status);
        Assert.Equal((HttpStatusCode.Conflict, "consent-id-taken"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(Consent(_other, "other-list", 1, id)), _other))));

        // Only the patient lists them.
        var listed = await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/consents", null, _patient));
        Assert.Equal("active", Assert.Single(listed.Body.EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal((HttpStatusCode.Forbidden, "not-the-patient"), Pick(await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/consents", null, _provider))));

        // Granted (the list is now cached by the verifier).
        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(recordId, [consent])).Status);

        // A provider cannot revoke the patient's consent, even with a list the patient signed; a list without the bit revokes nothing.
        var revoking = List(_patient, "patient-list", 5);
        var before = await EventCountAsync();
        Assert.Equal((HttpStatusCode.Forbidden, "not-the-patient"), Pick(await Outcome(SendAsync(HttpMethod.Post, $"/consents/{id}/revocation", revoking, _provider))));
        Assert.Equal((HttpStatusCode.NotFound, "not-found"), Pick(await Outcome(SendAsync(HttpMethod.Post, $"/consents/urn:uuid:{Guid.NewGuid()}/revocation", revoking, _patient))));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "bit-not-set"), Pick(await Outcome(SendAsync(HttpMethod.Post, $"/consents/{id}/revocation", List(_patient, "patient-list", 6), _patient))));
        Assert.Equal(before, await EventCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await PresentAsync(recordId, [consent])).Status);

        // The patient revokes: an event, the verifier forgets its cached list, and the next access is denied at once.
        var revoked = await Outcome(SendAsync(HttpMethod.Post, $"/consents/{id}/revocation", revoking, _patient));
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal(JsonValueKind.String, revoked.Body.GetProperty("event").ValueKind);
        var denied = await PresentAsync(recordId, [consent]);
        Assert.Equal((HttpStatusCode.Forbidden, "Revoked"), (denied.Status, denied.Body.GetProperty("reason").GetString()));
        Assert.Equal("revoked", Assert.Single((await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/consents", null, _patient))).Body.EnumerateArray()).GetProperty("state").GetString());

        // Revoking again names no new event; publishing a list that clears the bit is refused, and the list stays as it was.
        Assert.False((await Outcome(SendAsync(HttpMethod.Post, $"/consents/{id}/revocation", revoking, _patient))).Body.TryGetProperty("event", out _));
        Assert.Equal((HttpStatusCode.Conflict, "unrevoke"), Pick(await Outcome(SendAsync(HttpMethod.Put, "/status-lists/patient-list", List(_patient, "patient-list"), _patient))));
        Assert.Equal((HttpStatusCode.Forbidden, "Revoked"), ((await PresentAsync(recordId, [consent])).Status, (await PresentAsync(recordId, [consent])).Body.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Consents_and_lists_the_service_cannot_use_are_refused_and_nothing_changes()
    {
        await _service.RegisterAsync(_patient, "patient", Ct);
        await _service.RegisterAsync(_other, "patient", Ct);
        Assert.Equal(HttpStatusCode.OK, (await Outcome(SendAsync(HttpMethod.Put, "/status-lists/own", List(_patient, "own"), _patient))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Outcome(SendAsync(HttpMethod.Put, "/status-lists/others", List(_other, "others"), _other))).Status);
        var before = await EventCountAsync();

        // A consent pointing at another patient's list, at an index outside the list, with an id a path would split; not JSON.
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "status-entry-unusable"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(Consent(_patient, "others", 1)), _patient))));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "status-entry-unusable"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(Consent(_patient, "own", Bitstring.MinimumEntries)), _patient))));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "bad-consent-id"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(Consent(_patient, "own", 1, "https://ehr.example/consents/1")), _patient))));
        Assert.Equal((HttpStatusCode.BadRequest, "bad-json"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", "[1]"u8.ToArray(), _patient))));

        // The same id with another credential is refused; the first stays.
        var id = $"urn:uuid:{Guid.NewGuid()}";
        Assert.Equal(HttpStatusCode.Created, (await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(Consent(_patient, "own", 1, id)), _patient))).Status);
        Assert.Equal((HttpStatusCode.Conflict, "consent-id-taken"), Pick(await Outcome(SendAsync(HttpMethod.Post, "/consents", JsonSerializer.SerializeToUtf8Bytes(Consent(_patient, "own", 2, id)), _patient))));
        Assert.Equal(before + 1, await EventCountAsync());

        // A list's purpose cannot change (a detour through suspension would clear revocation bits); a huge list is not hosted.
        var suspension = Signed(BitstringStatusList.CreateCredential(ListUrl("own"), Did(_patient), BitstringStatusListEntry.Suspension, Bitstring.Create(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), _patient);
        Assert.Equal((HttpStatusCode.Conflict, "purpose-changed"), Pick(await Outcome(SendAsync(HttpMethod.Put, "/status-lists/own", suspension, _patient))));
        var huge = Signed(BitstringStatusList.CreateCredential(ListUrl("huge"), Did(_patient), BitstringStatusListEntry.Revocation, Bitstring.Create(9_000_000), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), _patient);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "list-too-large"), Pick(await Outcome(SendAsync(HttpMethod.Put, "/status-lists/huge", huge, _patient))));
        Assert.Equal(HttpStatusCode.NotFound, (await _service.Client.GetAsync(new Uri(_service.BaseAddress, "/status-lists/huge"), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_patient_reads_only_its_own_history_as_json_or_fhir()
    {
        await _service.RegisterAsync(_patient, "patient", Ct);
        await _service.RegisterAsync(_provider, "provider", Ct);
        await StoreAsync();

        JsonElement history = default;
        for (var attempt = 0; attempt < 50 && (history.ValueKind != JsonValueKind.Object || history.GetProperty("items").GetArrayLength() == 0); attempt++)
        {
            await Task.Delay(100, Ct);
            history = (await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history", null, _patient))).Body;
        }

        Assert.Equal("RecordStored", Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
        var fhir = await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history?format=fhir", null, _patient));
        Assert.Equal(("Bundle", 1), (fhir.Body.GetProperty("resourceType").GetString(), fhir.Body.GetProperty("entry").GetArrayLength()));

        Assert.Equal((HttpStatusCode.Forbidden, "not-the-patient"), Pick(await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history", null, _other))));
        Assert.Equal((HttpStatusCode.Forbidden, "not-the-patient"), Pick(await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history", null, _provider))));
        Assert.Equal((HttpStatusCode.BadRequest, "bad-limit"), Pick(await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history?limit=0", null, _patient))));
        Assert.Equal((HttpStatusCode.BadRequest, "bad-before"), Pick(await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history?before=-1", null, _patient))));
        Assert.Equal((HttpStatusCode.BadRequest, "bad-format"), Pick(await Outcome(SendAsync(HttpMethod.Get, $"/patients/{Did(_patient)}/history?format=xml", null, _patient))));
        Assert.Equal((HttpStatusCode.Unauthorized, "proof-missing"), Pick(await Outcome(_service.Client.GetAsync(new Uri(_service.BaseAddress, $"/patients/{Did(_patient)}/history"), Ct))));
    }

    private static JsonObject Accreditation(PrivateKey accreditor, PrivateKey provider, string[]? purposes = null, DateTimeOffset? from = null, DateTimeOffset? until = null)
    {
        var now = DateTimeOffset.UtcNow;
        return JsonNode.Parse(Signed(AccreditationCredential.Create(
            $"urn:uuid:{Guid.NewGuid()}", IdentityEhr.Identity.Dids.Did.Parse(Did(accreditor)), IdentityEhr.Identity.Dids.Did.Parse(Did(provider)),
            purposes ?? ["ETREAT", "BTG"], from ?? now.AddMinutes(-5), until ?? now.AddDays(1)), accreditor))!.AsObject();
    }

    [Fact]
    public async Task Break_glass_needs_a_trusted_accreditation_naming_the_holder_an_emergency_purpose_and_a_reason()
    {
        await _service.RegisterAsync(_patient, "patient", Ct);
        await _service.RegisterAsync(_provider, "provider", Ct);
        var recordId = await StoreAsync();

        async Task<string?> ReasonAsync(JsonObject[] credentials, string purpose = "ETREAT", string? reason = "synthetic emergency")
        {
            var outcome = await PresentAsync(recordId, credentials, purpose, reason);
            return outcome.Status == HttpStatusCode.OK ? "Granted" : outcome.Body.TryGetProperty("reason", out var r) ? r.GetString() : $"{(int)outcome.Status} {outcome.Type}";
        }

        Assert.Equal("NoAccreditation", await ReasonAsync([]));
        Assert.Equal("UntrustedAccreditor", await ReasonAsync([Accreditation(_stranger, _provider)]));
        Assert.Equal("HolderNotSubject", await ReasonAsync([Accreditation(_accreditor, _stranger)]));
        Assert.Equal("Expired", await ReasonAsync([Accreditation(_accreditor, _provider, from: DateTimeOffset.UtcNow.AddDays(-10), until: DateTimeOffset.UtcNow.AddDays(-2))]));
        Assert.Equal("PurposeNotAllowed", await ReasonAsync([Accreditation(_accreditor, _provider, purposes: ["ETREAT"])], purpose: "BTG"));
        var tampered = Accreditation(_accreditor, _provider);
        tampered["credentialSubject"]!["id"] = Did(_stranger);
        Assert.Equal("CredentialSignatureInvalid", await ReasonAsync([tampered]));
        Assert.Equal("400 bad-request", await ReasonAsync([Accreditation(_accreditor, _provider)], reason: "   "));
        Assert.Equal("400 bad-request", await ReasonAsync([Accreditation(_accreditor, _provider)], purpose: "BTG", reason: new string('x', 1001)));
        Assert.Equal("Granted", await ReasonAsync([Accreditation(_accreditor, _provider)]));
        Assert.Equal("Granted", await ReasonAsync([Accreditation(_accreditor, _provider)], purpose: "BTG"));
    }

    [Fact]
    public async Task A_caller_over_its_rate_gets_429_and_others_are_not_slowed()
    {
        await using var limited = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct,
            rateLimits: new RateLimits(perDid: 2, perIp: 0));
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await limited.SendSignedAsync(HttpMethod.Post, "/patients", null, _patient, cancellationToken: Ct);
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                Assert.EndsWith("/auth/rate-limited", JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        using (var other = await limited.SendSignedAsync(HttpMethod.Post, "/patients", null, _other, cancellationToken: Ct))
        {
            Assert.True(other.IsSuccessStatusCode);
        }

        // Per address, before authentication: challenges, and the checking of request proofs.
        await using var byAddress = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct,
            rateLimits: new RateLimits(perDid: 0, perIp: 3));
        var challenges = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await byAddress.Client.PostAsync(new Uri(byAddress.BaseAddress, "/access/challenges"), new StringContent("{}"), Ct);
            challenges.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.Created, challenges);
        Assert.Contains(HttpStatusCode.TooManyRequests, challenges);
        using (var unsigned = await byAddress.Client.PostAsync(new Uri(byAddress.BaseAddress, "/patients"), null, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, unsigned.StatusCode);
        }
    }
}
