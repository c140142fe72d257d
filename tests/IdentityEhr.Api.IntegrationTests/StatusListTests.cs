using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Api.Consents;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>Status lists hosted by the service: published by their issuer (the CLI or a signed PUT), read by anyone and by the verifier.</summary>
public sealed class StatusListTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-status-lists-").FullName;
    private readonly PrivateKey _issuer = PrivateKey.Generate(KeyType.Ed25519);
    private readonly PrivateKey _stranger = PrivateKey.Generate(KeyType.Ed25519);
    private TestSchema _schema = null!;
    private RunningService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(StatusListTests), Ct);
        _service = await RunningService.StartAsync(new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _schema.DisposeAsync();
        _issuer.Dispose();
        _stranger.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string KeyId(PrivateKey key) => $"{DidKey.Create(key.PublicKey)}#{key.PublicKey.ExportMultikey()}";

    private string Url(string id) => new Uri(_service.BaseAddress, "/status-lists/" + id).ToString();

    private static byte[] List(PrivateKey signer, string id, string? issuer = null)
    {
        var now = DateTimeOffset.UtcNow;
        var credential = BitstringStatusList.CreateCredential(id, issuer ?? DidKey.Create(signer.PublicKey).ToString(), BitstringStatusListEntry.Revocation, Bitstring.Create(), now, TimeSpan.FromMinutes(5));
        return JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(credential, new ProofOptions(KeyId(signer), ProofOptions.AssertionMethod, now), signer));
    }

    private async Task<HttpResponseMessage> PutAsync(string id, byte[] body, PrivateKey? signer)
    {
        var url = new Uri(_service.BaseAddress, "/status-lists/" + id);
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        if (signer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "DID " + RequestProof.Create(signer, KeyId(signer), "PUT", url, body, DateTimeOffset.UtcNow));
        }

        return await _service.Client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_patient_publishes_a_list_with_the_cli_and_anyone_and_the_verifier_read_it_as_signed()
    {
        var environment = new Dictionary<string, string>
        {
            ["EHR_WALLET"] = Path.Combine(_directory, "patient.json"),
            ["EHR_WALLET_PASSPHRASE"] = "synthetic",
            ["EHR_URL"] = _service.BaseAddress.ToString(),
        };
        var cli = new EhrCli(environment);
        Assert.Equal(0, (await cli.RunAsync("did", "create", "--type", "ed25519")).ExitCode);
        var listFile = Path.Combine(_directory, "list.json");
        var (createExit, _, createError) = await cli.RunAsync("status-list", "create", "--id", Url("patient-1"), "--out", listFile);
        Assert.True(createExit == 0, createError);

        var (publishExit, publishOutput, publishError) = await cli.RunAsync("status-list", "publish", listFile);
        var again = await cli.RunAsync("status-list", "publish", listFile);

        Assert.True(publishExit == 0, publishError);
        Assert.Equal($"published {Url("patient-1")}", publishOutput.Trim());
        Assert.Equal(0, again.ExitCode);
        var served = await _service.Client.GetAsync(new Uri("/status-lists/patient-1", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("application/vc", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=60", served.Headers.CacheControl?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(listFile, Ct), await served.Content.ReadAsByteArrayAsync(Ct));

        var source = _service.Services.GetRequiredService<HostedStatusLists>();
        Assert.Equal(await File.ReadAllBytesAsync(listFile, Ct), await source.FetchAsync(Url("patient-1"), Ct));
        Assert.Null(await source.FetchAsync("https://elsewhere.example/lists/patient-1", Ct));
        Assert.Null(await source.FetchAsync(Url("patient-1") + "?x=1", Ct));
        Assert.Null(await source.FetchAsync("file:///status-lists/patient-1", Ct));
        Assert.Null(await source.FetchAsync(Url("none"), Ct));
    }

    [Fact]
    public async Task Lists_that_are_not_the_callers_not_at_their_url_not_signed_or_not_lists_are_refused()
    {
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("held", List(_issuer, Url("held")), _issuer)).StatusCode);
        var tampered = JsonNode.Parse(List(_issuer, Url("tampered")))!;
        tampered["validUntil"] = "2099-01-01T00:00:00Z";

        var cases = new (Task<HttpResponseMessage> Call, HttpStatusCode Status, string Type)[]
        {
            (PutAsync("held", List(_stranger, Url("held")), _stranger), HttpStatusCode.Forbidden, "not-the-issuer"),
            (PutAsync("mine", List(_stranger, Url("mine"), DidKey.Create(_issuer.PublicKey).ToString()), _stranger), HttpStatusCode.Forbidden, "not-the-issuer"),
            (PutAsync("here", List(_issuer, Url("there")), _issuer), HttpStatusCode.UnprocessableEntity, "wrong-id"),
            (PutAsync("tampered", JsonSerializer.SerializeToUtf8Bytes(tampered), _issuer), HttpStatusCode.UnprocessableEntity, "invalid-proof"),
            (PutAsync("x", "{\"type\":[\"VerifiableCredential\"]}"u8.ToArray(), _issuer), HttpStatusCode.UnprocessableEntity, "invalid-status-list"),
            (PutAsync("x", "{not json"u8.ToArray(), _issuer), HttpStatusCode.BadRequest, "bad-json"),
            (PutAsync("bad~id", List(_issuer, Url("bad~id")), _issuer), HttpStatusCode.BadRequest, "bad-id"),
            (PutAsync("unsigned", List(_issuer, Url("unsigned")), null), HttpStatusCode.Unauthorized, "proof-missing"),
        };

        foreach (var (call, status, type) in cases)
        {
            var response = await call;
            Assert.Equal(status, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.EndsWith("/" + type, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _service.Client.GetAsync(new Uri("/status-lists/mine", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _service.Client.GetAsync(new Uri("/status-lists/tampered", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(List(_issuer, Url("held")).Length, (await _service.Client.GetByteArrayAsync(new Uri("/status-lists/held", UriKind.Relative), Ct)).Length);
    }
}
