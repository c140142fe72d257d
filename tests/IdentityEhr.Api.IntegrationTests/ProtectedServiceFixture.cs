using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IdentityEhr.Api.Records;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// The real service (own schema, PostgreSQL and anvil) holding something to protect: a patient whose status list is published
/// and a record a provider stored for that patient. One per test class; a test that changes state makes its own scenario.
/// </summary>
public sealed class ProtectedServiceFixture(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private readonly List<PrivateKey> _keys = [];
    private TestSchema? _schema;
    private RunningService? _service;

    internal RunningService Service => _service ?? throw new InvalidOperationException("The fixture has not started.");

    internal string ConnectionString => _schema?.ConnectionString ?? throw new InvalidOperationException("The fixture has not started.");

    internal PrivateKey Provider { get; } = PrivateKey.Generate(KeyType.Ed25519);

    internal PrivateKey Stranger { get; } = PrivateKey.Generate(KeyType.Ed25519);

    /// <summary>Gets the scenario set up at start, which no test changes.</summary>
    internal Scenario Default { get; private set; } = null!;

    internal static byte[] Observation { get; } = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _schema = await postgres.CreateSchemaAsync(nameof(ProtectedServiceFixture), ct);
        // No rate limits here: thousands of requests from one address would otherwise meet 429 before the checks under test
        // (AuthorizationTests covers the limits).
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, ct, rateLimits: new Auth.RateLimits(0, 0));
        // The fuzz's valid proofs are the provider's and a stranger's; registering both in both roles beforehand makes their
        // self-registrations (the one write a valid proof alone may make) change nothing.
        foreach (var key in new[] { Provider, Stranger })
        {
            await _service.RegisterAsync(key, "patient", ct);
            await _service.RegisterAsync(key, "provider", ct);
        }

        Default = await NewScenarioAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        Provider.Dispose();
        Stranger.Dispose();
        _keys.ForEach(k => k.Dispose());
    }

    /// <summary>The key id of a key's did:key.</summary>
    internal static string KeyId(PrivateKey key) => $"{DidKey.Create(key.PublicKey)}#{key.PublicKey.ExportMultikey()}";

    /// <summary>A new patient with a published status list, and a record the provider stored for them.</summary>
    internal async Task<Scenario> NewScenarioAsync(CancellationToken cancellationToken)
    {
        var patient = PrivateKey.Generate(KeyType.Ed25519);
        _keys.Add(patient);
        await Service.RegisterAsync(patient, "patient", cancellationToken);
        var listId = "list-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var credential = BitstringStatusList.CreateCredential(
            new Uri(Service.BaseAddress, "/status-lists/" + listId).ToString(), DidKey.Create(patient.PublicKey).ToString(), BitstringStatusListEntry.Revocation,
            Bitstring.Create(), now, TimeSpan.FromMinutes(5));
        var list = JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(credential, new ProofOptions(KeyId(patient), ProofOptions.AssertionMethod, now), patient));
        using var published = await SendAsync(HttpMethod.Put, "/status-lists/" + listId, list, "application/json", Signed(patient), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        using var stored = await SendAsync(HttpMethod.Post, $"/records?patient={DidKey.Create(patient.PublicKey)}", Observation, "application/fhir+json", Signed(Provider), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        // A consent to the provider (not registered yet) and the re-signed list that revokes it, for the consent operations.
        var listUrl = new Uri(Service.BaseAddress, "/status-lists/" + listId).ToString();
        var consent = JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(
            ConsentCredential.Create(
                $"urn:uuid:{Guid.NewGuid()}", DidKey.Create(patient.PublicKey), DidKey.Create(Provider.PublicKey), new ConsentScope(["Observation"], []), ["TREAT"],
                now.AddMinutes(-1), null, new BitstringStatusListEntry($"{listUrl}#3", BitstringStatusListEntry.Revocation, 3, listUrl)),
            new ProofOptions(KeyId(patient), ProofOptions.AssertionMethod, now), patient));
        var revoking = JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(
            BitstringStatusList.CreateCredential(listUrl, DidKey.Create(patient.PublicKey).ToString(), BitstringStatusListEntry.Revocation, Bitstring.Create().With(3, 1), now, TimeSpan.FromMinutes(5)),
            new ProofOptions(KeyId(patient), ProofOptions.AssertionMethod, now), patient));
        return new Scenario(patient, (await stored.Content.ReadFromJsonAsync<RecordResponse>(cancellationToken))!, listId, list, consent, revoking);
    }

    /// <summary>A valid request proof by <paramref name="key"/> for exactly the request it is sent with.</summary>
    internal static Func<HttpMethod, Uri, byte[], string> Signed(PrivateKey key) =>
        (method, url, body) => "DID " + RequestProof.Create(key, KeyId(key), method.Method, url, body, DateTimeOffset.UtcNow);

    /// <summary>Sends a request to the service with the <c>Authorization</c> header that <paramref name="authorization"/> makes, if any.</summary>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, byte[]? body, string? contentType, Func<HttpMethod, Uri, byte[], string?>? authorization, CancellationToken cancellationToken)
    {
        var url = new Uri(Service.BaseAddress, path);
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        if (authorization?.Invoke(method, url, body ?? []) is { } header)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        return await Service.Client.SendAsync(request, cancellationToken);
    }

    /// <summary>What one test protects: a patient, their published list and a record stored for them.</summary>
    /// <param name="Patient">The patient's key.</param>
    /// <param name="Record">The record the provider stored, as the service answered.</param>
    /// <param name="ListId">The patient's status list's id.</param>
    /// <param name="List">The published list's bytes.</param>
    /// <param name="Consent">A consent of the patient to the provider, signed and not registered.</param>
    /// <param name="RevokingList">The patient's list re-signed with that consent's bit set.</param>
    internal sealed record Scenario(PrivateKey Patient, RecordResponse Record, string ListId, byte[] List, byte[] Consent, byte[] RevokingList)
    {
        public string PatientDid => DidKey.Create(Patient.PublicKey).ToString();

        public string ConsentId => JsonDocument.Parse(Consent).RootElement.GetProperty("id").GetString()!;

        public string RecordId => Record.Record;
    }
}
