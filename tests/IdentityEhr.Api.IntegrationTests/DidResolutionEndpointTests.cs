using System.Net;
using System.Text.Json;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

public sealed class DidResolutionEndpointTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private const string SeedZeroDid = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    private RunningService _service = null!;

    public async ValueTask InitializeAsync() =>
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = postgres.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId },
            TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    public static TheoryData<KeyType> AllTypes => new(Enum.GetValues<KeyType>());

    private async Task<HttpResponseMessage> GetAsync(string did, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/1.0/identifiers/{did}", UriKind.Relative));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await _service.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonDocument> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

    [Theory]
    [MemberData(nameof(AllTypes))]
    public async Task Each_key_type_resolves_to_a_document_with_its_key(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        var did = DidKey.Create(key.PublicKey).ToString();

        using var response = await GetAsync(did);
        using var document = await JsonOf(response);

        Assert.Equal(
            (HttpStatusCode.OK, "application/did", key.PublicKey.ExportMultikey()),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType, document.RootElement.GetProperty("verificationMethod")[0].GetProperty("publicKeyMultibase").GetString()));
    }

    [Fact]
    public async Task The_seed_zero_document_matches_the_approved_file()
    {
        using var response = await GetAsync(SeedZeroDid);

        Snapshot.VerifyJson(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Accept_did_resolution_returns_the_whole_result()
    {
        using var response = await GetAsync(SeedZeroDid, "application/did-resolution");
        using var result = await JsonOf(response);

        Assert.Equal(
            ("application/did-resolution", SeedZeroDid, "application/did"),
            (response.Content.Headers.ContentType?.MediaType, result.RootElement.GetProperty("didDocument").GetProperty("id").GetString(),
             result.RootElement.GetProperty("didResolutionMetadata").GetProperty("contentType").GetString()));
    }

    [Fact]
    public async Task Accept_with_q_values_picks_the_preferred_representation()
    {
        using var response = await GetAsync(SeedZeroDid, "application/did;q=0.5, application/did-resolution;q=0.9");

        Assert.Equal("application/did-resolution", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unacceptable_representation_is_406_problem_details()
    {
        using var response = await GetAsync(SeedZeroDid, "text/html");
        using var problem = await JsonOf(response);

        Assert.Equal(
            (HttpStatusCode.NotAcceptable, "application/problem+json", "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED"),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType, problem.RootElement.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("not-a-did", HttpStatusCode.BadRequest, "INVALID_DID")]
    [InlineData("did:Key:z6Mk", HttpStatusCode.BadRequest, "INVALID_DID")]
    [InlineData("did:key:u7QGNsL1mf2G", HttpStatusCode.BadRequest, "INVALID_DID")]
    [InlineData("did:web:example.com", HttpStatusCode.NotImplemented, "METHOD_NOT_SUPPORTED")]
    [InlineData("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWq", HttpStatusCode.BadRequest, "INVALID_PUBLIC_KEY")]
    public async Task Bad_input_gets_the_status_and_problem_type_of_the_spec(string did, HttpStatusCode status, string type)
    {
        using var response = await GetAsync(did);
        using var problem = await JsonOf(response);

        Assert.Equal(
            (status, "application/problem+json", "https://www.w3.org/ns/did#" + type),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType, problem.RootElement.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_key_of_the_wrong_length_is_invalidPublicKeyLength()
    {
        var did = "did:key:" + Multibase.EncodeBase58Btc(Multicodec.Prefix(0xed, new byte[31]));

        using var response = await GetAsync(did);
        using var problem = await JsonOf(response);

        Assert.Equal("https://www.w3.org/ns/did#INVALID_PUBLIC_KEY_LENGTH", problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_problem_body_matches_the_approved_file()
    {
        using var response = await GetAsync("did:web:example.com");

        Snapshot.VerifyJson(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            Scrubber.None.Add(@"""traceId"": ""(?<value>[^""]+)""", "TraceId"));
    }

    [Fact]
    public async Task An_oversized_did_is_refused_as_invalid()
    {
        using var response = await GetAsync("did:key:z" + new string('a', 3000));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("?publicKeyFormat=Rsa2018", "publicKeyFormat must be Multikey, JsonWebKey2020 or Ed25519VerificationKey2020")]
    [InlineData("?publicKeyFormat=1", "publicKeyFormat must be Multikey, JsonWebKey2020 or Ed25519VerificationKey2020")]
    [InlineData("?enableEncryptionKeyDerivation=yes", "enableEncryptionKeyDerivation must be true or false")]
    [InlineData("?versionId=1&versionTime=2026-01-01T00:00:00Z", "versionId and versionTime cannot be given together")]
    [InlineData("?bogus=1", "unknown option 'bogus'")]
    public async Task Invalid_options_are_400_invalidOptions_naming_the_option(string query, string detail)
    {
        using var response = await GetAsync(SeedZeroDid + query);
        using var problem = await JsonOf(response);

        Assert.Equal(
            (HttpStatusCode.BadRequest, "https://www.w3.org/ns/did#INVALID_OPTIONS", detail),
            (response.StatusCode, problem.RootElement.GetProperty("type").GetString(), problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task JsonWebKey2020_format_is_served_on_request()
    {
        using var response = await GetAsync(SeedZeroDid + "?publicKeyFormat=JsonWebKey2020");
        using var document = await JsonOf(response);

        Assert.Equal("OKP", document.RootElement.GetProperty("verificationMethod")[0].GetProperty("publicKeyJwk").GetProperty("kty").GetString());
    }

    [Fact]
    public async Task A_key_fragment_dereferences_to_its_verification_method()
    {
        using var response = await GetAsync(SeedZeroDid + "%23z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW");
        using var result = await JsonOf(response);

        Assert.Equal("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW", result.RootElement.GetProperty("content").GetProperty("publicKeyMultibase").GetString());
    }

    [Fact]
    public async Task An_unknown_fragment_is_404_notFound()
    {
        using var response = await GetAsync(SeedZeroDid + "%23nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ehr_did_resolve_through_the_service_prints_the_document()
    {
        using var output = new StringWriter();
        var cli = new Cli.CliApp(output, TextWriter.Null, _ => null);

        var exitCode = await cli.RunAsync(["did", "resolve", SeedZeroDid, "--url", _service.BaseAddress.ToString()], TestContext.Current.CancellationToken);

        Assert.Equal((0, SeedZeroDid), (exitCode, JsonDocument.Parse(output.ToString()).RootElement.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Ehr_did_resolve_of_an_unsupported_method_exits_1_with_the_reason()
    {
        using var error = new StringWriter();
        var cli = new Cli.CliApp(TextWriter.Null, error, _ => null);

        var exitCode = await cli.RunAsync(["did", "resolve", "did:web:example.com", "--url", _service.BaseAddress.ToString()], TestContext.Current.CancellationToken);

        Assert.Equal((1, "ehr: DID method not supported: did:web is not supported; supported: did:key"), (exitCode, error.ToString().TrimEnd()));
    }
}
