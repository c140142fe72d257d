using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IdentityEhr.Api.Log;
using IdentityEhr.Api.Records;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>Storing and erasing records over real HTTP, authenticated by request proofs of did:key callers.</summary>
public sealed class RecordEndpointTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private static readonly byte[] s_observation = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));
    private readonly PrivateKey _provider = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _patient = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _stranger = PrivateKey.Generate(KeyType.Ed25519);
    private TestSchema _schema = null!;
    private RunningService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Patient => DidKey.Create(_patient.PublicKey).ToString();

    private string Provider => DidKey.Create(_provider.PublicKey).ToString();

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(RecordEndpointTests), Ct);
        _service = await RunningService.StartAsync(new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct);
        await _service.RegisterAsync(_patient, "patient", Ct);
        await _service.RegisterAsync(_provider, "provider", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _schema.DisposeAsync();
        _provider.Dispose();
        _patient.Dispose();
        _stranger.Dispose();
    }

    private static string KeyId(PrivateKey key) => $"{DidKey.Create(key.PublicKey)}#{key.PublicKey.ExportMultikey()}";

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, byte[]? body, PrivateKey? signer, string contentType = "application/fhir+json", Func<string, string>? doctor = null,
        DateTimeOffset? at = null, string? proof = null)
    {
        var url = new Uri(_service.BaseAddress, path);
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (proof is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", proof);
        }
        else if (signer is not null)
        {
            var jws = RequestProof.Create(signer, KeyId(signer), method.Method, url, body ?? [], at ?? DateTimeOffset.UtcNow);
            request.Headers.TryAddWithoutValidation("Authorization", "DID " + (doctor?.Invoke(jws) ?? jws));
        }

        return await _service.Client.SendAsync(request, Ct);
    }

    private async Task<RecordResponse> StoreAsync(byte[] body, string? recordId = null)
    {
        var response = recordId is null
            ? await SendAsync(HttpMethod.Post, $"/records?patient={Patient}", body, _provider)
            : await SendAsync(HttpMethod.Put, $"/records/{recordId}", body, _provider);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RecordResponse>(Ct))!;
    }

    private static async Task<(string Type, JsonElement Body)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        return (body.GetProperty("type").GetString()!, body);
    }

    private async Task<ulong> TreeSizeAsync() => (await _service.Services.GetRequiredService<AuditLogService>().Store.Log.GetTreeStateAsync(Ct)).TreeSize;

    [Fact]
    public async Task A_stored_record_is_validated_encrypted_logged_and_releases_to_the_same_bytes()
    {
        var stored = await StoreAsync(s_observation);

        Assert.Equal((1, Patient, Provider, "Observation", "lab-result"), (stored.Version, stored.Patient, stored.Author, stored.ResourceType, stored.RecordType));
        Assert.Equal($"/log/receipts/{stored.Event}", stored.Receipt);
        var entry = (await _service.Services.GetRequiredService<AuditLogService>().Store.FindAsync(stored.Event, Ct))!.Entry;
        Assert.Equal((AuditEventType.RecordStored, Provider, Patient, stored.Record), (entry.Type, entry.Actor, entry.Subject, entry.Record));

        // The vault's release (the access endpoint is issue 9's) opens to the exact bytes sent.
        using var requester = PrivateKey.Generate(KeyType.X25519);
        var vault = _service.Services.GetRequiredService<VaultService>().Vault;
        var release = await vault.ReleaseAsync(
            new AccessRequest(Did.Parse(Patient), "Observation", stored.Record, "TREAT"),
            new AccessDecision(AccessReason.Granted, new AccessEvidence(Holder: Provider)), new RecordRecipient(requester.PublicKey, Provider + "#ka"),
            cancellationToken: Ct);
        Assert.Equal(RecordOpenError.None, release.TryOpen(requester, out var plaintext));
        Assert.Equal(s_observation, plaintext);

        var second = await StoreAsync([.. s_observation, (byte)'\n'], stored.Record);
        Assert.Equal((stored.Record, 2), (second.Record, second.Version));
    }

    [Fact]
    public async Task Invalid_FHIR_is_refused_with_an_OperationOutcome_naming_each_path_and_nothing_is_stored()
    {
        var before = await TreeSizeAsync();
        var json = JsonDocument.Parse(s_observation).RootElement;
        var doctored = Encoding.UTF8.GetBytes(json.GetRawText().Replace("\"status\":", "\"statusX\":", StringComparison.Ordinal).Replace("\"status\" :", "\"statusX\" :", StringComparison.Ordinal));

        var response = await SendAsync(HttpMethod.Post, $"/records?patient={Patient}", doctored, _provider);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var (type, body) = await ProblemAsync(response);
        Assert.EndsWith("/invalid-fhir", type, StringComparison.Ordinal);
        var outcome = body.GetProperty("operationOutcome");
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        var expressions = outcome.GetProperty("issue").EnumerateArray().SelectMany(i => i.GetProperty("expression").EnumerateArray().Select(e => e.GetString())).ToList();
        Assert.Contains("Observation.statusX", expressions);
        Assert.Contains("Observation.status", expressions);
        Assert.Equal(before, await TreeSizeAsync());
    }

    [Fact]
    public async Task Bad_bodies_and_parameters_get_specific_problems_and_change_nothing()
    {
        var before = await TreeSizeAsync();
        var cases = new (Task<HttpResponseMessage> Call, HttpStatusCode Status, string Type)[]
        {
            (SendAsync(HttpMethod.Post, "/records?patient=not-a-did", s_observation, _provider), HttpStatusCode.BadRequest, "bad-patient"),
            (SendAsync(HttpMethod.Post, "/records", s_observation, _provider), HttpStatusCode.BadRequest, "bad-patient"),
            (SendAsync(HttpMethod.Post, $"/records?patient={Patient}", s_observation, _provider, "text/plain"), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"),
            (SendAsync(HttpMethod.Post, $"/records?patient={Patient}", new byte[RecordVault.MaxRecordBytes + 1], _provider), HttpStatusCode.RequestEntityTooLarge, "body-too-large"),
            (SendAsync(HttpMethod.Post, $"/records?patient={Patient}", "{\"resourceType\":"u8.ToArray(), _provider), HttpStatusCode.UnprocessableEntity, "invalid-fhir"),
            (SendAsync(HttpMethod.Post, $"/records?patient={Patient}", "[]"u8.ToArray(), _provider), HttpStatusCode.UnprocessableEntity, "invalid-fhir"),
            (SendAsync(HttpMethod.Post, $"/records?patient={Patient}", "{\"resourceType\":\"Observation\\uD800\"}"u8.ToArray(), _provider), HttpStatusCode.UnprocessableEntity, "invalid-fhir"),
            (SendAsync(HttpMethod.Put, $"/records/{Guid.CreateVersion7()}", s_observation, _provider), HttpStatusCode.NotFound, "not-found"),
            (SendAsync(HttpMethod.Put, "/records/..%2F..%2Fetc", s_observation, _provider), HttpStatusCode.NotFound, "not-found"),
            (SendAsync(HttpMethod.Delete, $"/records/{Guid.CreateVersion7()}", null, _patient), HttpStatusCode.NotFound, "not-found"),
        };

        foreach (var (call, status, type) in cases)
        {
            var response = await call;
            Assert.Equal(status, response.StatusCode);
            Assert.EndsWith("/" + type, (await ProblemAsync(response)).Type, StringComparison.Ordinal);
        }

        Assert.Equal(before, await TreeSizeAsync());
    }

    [Fact]
    public async Task Unsigned_wrongly_signed_replayed_stale_and_misbound_requests_are_refused()
    {
        var before = await TreeSizeAsync();
        var path = $"/records?patient={Patient}";
        var url = new Uri(_service.BaseAddress, path);
        var replayed = "DID " + RequestProof.Create(_provider, KeyId(_provider), "POST", url, s_observation, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, path, s_observation, null, proof: replayed)).StatusCode);
        var storedOnce = await TreeSizeAsync();

        // A proof signed by another key but naming the provider's key.
        var forged = CompactJws.Sign(
            JsonSerializer.SerializeToUtf8Bytes(new { iss = Provider, htm = "POST", htu = RequestProof.Target(url), htb = RequestProof.BodyHash(s_observation), iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), jti = Guid.NewGuid().ToString("N") }),
            _stranger, KeyId(_provider), RequestProof.MediaType);
        var wrongType = CompactJws.Sign(
            JsonSerializer.SerializeToUtf8Bytes(new { iss = Provider, htm = "POST", htu = RequestProof.Target(url), htb = RequestProof.BodyHash(s_observation), iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), jti = Guid.NewGuid().ToString("N") }),
            _provider, KeyId(_provider), "JWT");
        var cases = new (Task<HttpResponseMessage> Call, string Type)[]
        {
            (SendAsync(HttpMethod.Post, path, s_observation, null), "proof-missing"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "Bearer abc"), "proof-missing"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID not.a.jws"), "proof-malformed"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID " + forged), "proof-signature-invalid"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID " + wrongType), "proof-wrong-type"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: replayed), "proof-replayed"),
            (SendAsync(HttpMethod.Post, path, s_observation, _provider, at: DateTimeOffset.UtcNow.AddMinutes(-5)), "proof-expired"),
            (SendAsync(HttpMethod.Post, path, s_observation, _provider, at: DateTimeOffset.UtcNow.AddMinutes(5)), "proof-not-yet-valid"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID " + RequestProof.Create(_provider, KeyId(_provider), "POST", new Uri(_service.BaseAddress, $"/records?patient={DidKey.Create(_stranger.PublicKey)}"), s_observation, DateTimeOffset.UtcNow)), "proof-wrong-request"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID " + RequestProof.Create(_provider, KeyId(_provider), "PUT", url, s_observation, DateTimeOffset.UtcNow)), "proof-wrong-request"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID " + RequestProof.Create(_provider, KeyId(_provider), "POST", url, [.. s_observation, (byte)' '], DateTimeOffset.UtcNow)), "proof-wrong-body"),
            (SendAsync(HttpMethod.Post, path, s_observation, null, proof: "DID " + RequestProof.Create(_provider, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "POST", url, s_observation, DateTimeOffset.UtcNow)), "proof-signature-invalid"),
        };

        foreach (var (call, type) in cases)
        {
            var response = await call;
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("DID", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal(RequestAuthenticatorProblem(type), (await ProblemAsync(response)).Type);
        }

        Assert.Equal(storedOnce, await TreeSizeAsync());
        Assert.Equal(before + 1, storedOnce);
    }

    [Fact]
    public async Task Only_the_patient_erases_and_afterwards_the_record_is_gone()
    {
        var stored = await StoreAsync(s_observation);
        var other = await StoreAsync(s_observation);

        var byProvider = await SendAsync(HttpMethod.Delete, $"/records/{stored.Record}", null, _provider);
        var unsigned = await SendAsync(HttpMethod.Delete, $"/records/{stored.Record}", null, null);
        var byPatient = await SendAsync(HttpMethod.Delete, $"/records/{stored.Record}", null, _patient);
        var again = await SendAsync(HttpMethod.Delete, $"/records/{stored.Record}", null, _patient);
        var newVersion = await SendAsync(HttpMethod.Put, $"/records/{stored.Record}", s_observation, _provider);
        var othersErasure = await SendAsync(HttpMethod.Delete, $"/patients/{Patient}/records", null, _provider);
        var all = await SendAsync(HttpMethod.Delete, $"/patients/{Patient}/records", null, _patient);

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Gone, HttpStatusCode.Gone, HttpStatusCode.Forbidden, HttpStatusCode.OK],
            new[] { byProvider, unsigned, byPatient, again, newVersion, othersErasure, all }.Select(r => r.StatusCode));
        var erased = (await byPatient.Content.ReadFromJsonAsync<ErasureResponse>(Ct))!;
        Assert.Equal(stored.Record, erased.Records.Single().Record);
        Assert.Equal(1, erased.Versions);
        var entry = (await _service.Services.GetRequiredService<AuditLogService>().Store.FindAsync(erased.Records[0].Event, Ct))!.Entry;
        Assert.Equal((AuditEventType.RecordErased, Patient, stored.Record), (entry.Type, entry.Actor, entry.Record));
        Assert.Equal([other.Record], (await all.Content.ReadFromJsonAsync<ErasureResponse>(Ct))!.Records.Select(r => r.Record));
        Assert.Empty(await _service.Services.GetRequiredService<VaultService>().Vault.ListAsync(Patient, Ct));
    }

    [Fact]
    public async Task The_provenance_of_a_version_is_valid_FHIR_and_only_its_patient_and_author_read_it()
    {
        var stored = await StoreAsync(s_observation);
        var second = await StoreAsync(s_observation, stored.Record);

        var byPatient = await SendAsync(HttpMethod.Get, $"/records/{stored.Record}/provenance?version=1", null, _patient);
        var byAuthor = await SendAsync(HttpMethod.Get, $"/records/{stored.Record}/provenance", null, _provider);
        var byStranger = await SendAsync(HttpMethod.Get, $"/records/{stored.Record}/provenance", null, _stranger);
        var badVersion = await SendAsync(HttpMethod.Get, $"/records/{stored.Record}/provenance?version=x", null, _patient);
        var noVersion = await SendAsync(HttpMethod.Get, $"/records/{stored.Record}/provenance?version=3", null, _patient);

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.BadRequest, HttpStatusCode.NotFound],
            new[] { byPatient, byAuthor, byStranger, badVersion, noVersion }.Select(r => r.StatusCode));
        Assert.Equal("application/fhir+json", byPatient.Content.Headers.ContentType?.MediaType);
        var first = await byPatient.Content.ReadAsByteArrayAsync(Ct);
        var latest = await byAuthor.Content.ReadAsByteArrayAsync(Ct);
        var validator = _service.Services.GetRequiredService<Fhir.FhirValidator>();
        Assert.True(validator.Validate(first).IsValid);
        Assert.True(validator.Validate(latest).IsValid);
        var json = JsonDocument.Parse(first).RootElement;
        Assert.Equal(("Provenance", stored.Event.ToString()), (json.GetProperty("resourceType").GetString(), json.GetProperty("id").GetString()));
        Assert.Contains(stored.Record, Encoding.UTF8.GetString(first), StringComparison.Ordinal);
        Assert.Contains(stored.ContentId, Encoding.UTF8.GetString(first), StringComparison.Ordinal);
        Assert.Contains(second.ContentId, Encoding.UTF8.GetString(latest), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, $"/records/{stored.Record}", null, _patient)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await SendAsync(HttpMethod.Get, $"/records/{stored.Record}/provenance", null, _patient)).StatusCode);
    }

    [Fact]
    public async Task A_new_version_comes_only_from_the_patient_or_the_first_author_and_metadata_only_to_them()
    {
        var stored = await StoreAsync(s_observation);
        var url = $"/records/{stored.Record}";

        var byStranger = await SendAsync(HttpMethod.Put, url, s_observation, _stranger);
        var byPatient = await SendAsync(HttpMethod.Put, url, s_observation, _patient);
        var byAuthor = await SendAsync(HttpMethod.Put, url, s_observation, _provider);
        var metadataByPatient = await SendAsync(HttpMethod.Get, url + "?version=2", null, _patient);
        var metadataByStranger = await SendAsync(HttpMethod.Get, url, null, _stranger);

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Forbidden],
            new[] { byStranger, byPatient, byAuthor, metadataByPatient, metadataByStranger }.Select(r => r.StatusCode));
        Assert.EndsWith("/not-allowed", (await ProblemAsync(byStranger)).Type, StringComparison.Ordinal);
        var second = (await metadataByPatient.Content.ReadFromJsonAsync<RecordResponse>(Ct))!;
        Assert.Equal((2, Patient), (second.Version, second.Author));
        Assert.Equal($"/records/{stored.Record}", byAuthor.Headers.Location?.ToString());
    }

    [Fact]
    public async Task With_a_public_url_set_a_proof_counts_only_for_that_url()
    {
        await using var service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct,
            publicOrigin: new Auth.PublicOrigin(new Uri("https://ehr.example.org/ehr/")));
        var path = $"/records?patient={Patient}";

        async Task<HttpStatusCode> SendSignedForAsync(Uri signedUrl)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(service.BaseAddress, path)) { Content = new ByteArrayContent(s_observation) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/fhir+json");
            request.Headers.TryAddWithoutValidation("Authorization", "DID " + RequestProof.Create(_provider, KeyId(_provider), "POST", signedUrl, s_observation, DateTimeOffset.UtcNow));
            return (await service.Client.SendAsync(request, Ct)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SendSignedForAsync(new Uri(service.BaseAddress, path)));
        Assert.Equal(HttpStatusCode.Created, await SendSignedForAsync(new Uri("https://ehr.example.org/ehr" + path)));
    }

    private static string RequestAuthenticatorProblem(string code) => Auth.RequestAuthenticator.ProblemBase + code;
}
