using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityEhr.Api.Access;
using IdentityEhr.Api.Consents;
using IdentityEhr.Api.Records;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// Issue 9's security tests of malformed input over real HTTP: oversized bodies, and malformed JSON, JWS, DIDs and FHIR, each
/// get a 4xx with its problem type and change nothing; with the regression tests of what the fuzz test (HttpFuzzTests) found.
/// Request proofs are RequestProofSecurityTests'; DID resolution's own refusals are DidResolutionEndpointTests'.
/// </summary>
public sealed partial class MalformedRequestTests(ProtectedServiceFixture service) : IClassFixture<ProtectedServiceFixture>
{
    private const string RecordProblems = RecordEndpoints.ProblemBase;
    private const string ListProblems = StatusListEndpoints.ProblemBase;
    private const string AccessProblems = AccessEndpoints.ProblemBase;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JsonSerializerOptions s_deep = new() { MaxDepth = 512 };

    /// <summary>The operations that read a body.</summary>
    private static readonly string[] s_bodyOperations = ["POST /records", "PUT /records/{recordId}", "PUT /status-lists/{id}", "POST /records/{recordId}/access"];

    public static TheoryData<string, bool> OversizedBodies => new()
    {
        { "POST /records", false }, { "POST /records", true }, { "PUT /records/{recordId}", false }, { "PUT /records/{recordId}", true },
        { "PUT /status-lists/{id}", false }, { "PUT /status-lists/{id}", true }, { "POST /records/{recordId}/access", false }, { "POST /records/{recordId}/access", true },
    };

    public static TheoryData<string, string> BrokenFramings =>
        new(s_bodyOperations.SelectMany(o => RawHttp.Framings.Select(f => (o, f))));

    /// <summary>Malformed JSON for each operation, and the problem it answers: records validate FHIR, lists parse JSON, access reads its request.</summary>
    public static TheoryData<string, string, int, string> MalformedJson
    {
        get
        {
            var data = new TheoryData<string, string, int, string>();
            foreach (var kind in new[] { "truncated", "not JSON", "nested 10,000 deep", "a lone surrogate escape", "of the wrong shape" })
            {
                data.Add("POST /records", kind, 422, RecordProblems + "invalid-fhir");
                data.Add("PUT /records/{recordId}", kind, 422, RecordProblems + "invalid-fhir");
                data.Add("PUT /status-lists/{id}", kind, kind is "a lone surrogate escape" or "of the wrong shape" ? 422 : 400,
                    ListProblems + (kind is "a lone surrogate escape" or "of the wrong shape" ? "invalid-status-list" : "bad-json"));
                data.Add("POST /records/{recordId}/access", kind, 400, AccessProblems + "bad-request");
            }

            return data;
        }
    }

    public static TheoryData<string> MalformedPresentations => new()
    {
        "two segments", "four segments", "alg none", "not base64url", "a header over 64 KiB", "signed claims of the wrong shape", "an object of the wrong shape",
    };

    public static TheoryData<string> NotDids => new() { "not-a-did", "did:", "did:key", "did::z6Mk", "did:KEY:z6Mk", "did:key:z6Mk%", "did:key:z6Mk!", "did:key:" + new string('z', 2100) };

    public static TheoryData<string> InvalidFhir => new()
    {
        "no resourceType", "an unknown resourceType", "a number for status", "an unknown element", "an impossible date", "contained 100 deep", "a Bundle with an invalid entry",
    };

    /// <summary>An operation's path for the default scenario, the rightful caller's proof, and a content type.</summary>
    private (HttpMethod Method, string Path, Func<HttpMethod, Uri, byte[], string?>? Authorization, string ContentType) Target(string operation)
    {
        var scenario = service.Default;
        return operation switch
        {
            "POST /records" => (HttpMethod.Post, $"/records?patient={scenario.PatientDid}", ProtectedServiceFixture.Signed(service.Provider), "application/fhir+json"),
            "PUT /records/{recordId}" => (HttpMethod.Put, $"/records/{scenario.RecordId}", ProtectedServiceFixture.Signed(service.Provider), "application/fhir+json"),
            "PUT /status-lists/{id}" => (HttpMethod.Put, $"/status-lists/{scenario.ListId}", ProtectedServiceFixture.Signed(scenario.Patient), "application/json"),
            "POST /records/{recordId}/access" => (HttpMethod.Post, $"/records/{scenario.RecordId}/access", null, "application/json"),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "not a body operation"),
        };
    }

    private static int Limit(string operation) => operation switch
    {
        "PUT /status-lists/{id}" => StatusListEndpoints.MaxCredentialBytes,
        "POST /records/{recordId}/access" => AccessEndpoints.MaxBodyBytes,
        _ => RecordVault.MaxRecordBytes,
    };

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(JsonValueKind.String, problem.GetProperty("title").ValueKind);
        return problem.GetProperty("type").GetString()!;
    }

    /// <summary>The start of the first <c>"id"</c> string value, where an escape that is no character goes.</summary>
    [GeneratedRegex("\"id\"\\s*:\\s*\"")]
    private static partial Regex LoneSurrogate();

    private Task<ServiceState> StateAsync() => ServiceState.CaptureAsync(service.ConnectionString, Ct);

    [Theory]
    [MemberData(nameof(OversizedBodies))]
    public async Task A_body_over_its_operations_limit_is_413_problem_details_and_nothing_is_stored(string operation, bool chunked)
    {
        var (method, path, authorization, contentType) = Target(operation);
        var before = await StateAsync();
        using var request = new HttpRequestMessage(method, new Uri(service.Service.BaseAddress, path)) { Content = new ByteArrayContent(new byte[Limit(operation) + 1]) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TransferEncodingChunked = chunked;
        if (authorization?.Invoke(method, request.RequestUri!, []) is { } header)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await service.Service.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("https://identityehr.dev/problems/body-too-large", await ProblemTypeAsync(response));
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("POST /records")]
    [InlineData("PUT /records/{recordId}")]
    public async Task Issue_9_a_record_body_declared_over_half_the_body_budget_is_413_and_not_503_busy(string operation)
    {
        // 40 MiB would cost 80 MiB of the 64 MiB budget: the request alone exceeded it and was told to retry (503) forever.
        var (method, path, authorization, contentType) = Target(operation);
        using var request = new HttpRequestMessage(method, new Uri(service.Service.BaseAddress, path)) { Content = new ByteArrayContent(new byte[40 * 1024 * 1024]) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.ExpectContinue = true;
        request.Headers.TryAddWithoutValidation("Authorization", authorization!(method, request.RequestUri!, []));

        using var response = await service.Service.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("https://identityehr.dev/problems/body-too-large", await ProblemTypeAsync(response));
    }

    [Theory]
    [MemberData(nameof(BrokenFramings))]
    public async Task Issue_9_a_body_whose_chunked_framing_breaks_is_400_problem_details_and_not_500(string operation, string framing)
    {
        var (method, path, _, contentType) = Target(operation);
        var before = await StateAsync();
        var head = $"{method} {path} HTTP/1.1\r\nHost: {service.Service.BaseAddress.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n\r\n";

        var (status, mediaType, body) = await RawHttp.SendAsync(
            service.Service.BaseAddress, [.. Encoding.ASCII.GetBytes(head), .. RawHttp.Frame(framing, ProtectedServiceFixture.Observation)], Ct);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal("https://identityehr.dev/problems/unreadable-body", JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/png")]
    [InlineData("application/did")]
    public async Task Issue_9_an_unknown_path_or_method_is_problem_details_whatever_the_Accept_header(string accept)
    {
        async Task<(HttpStatusCode, string)> SendAsync(HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, new Uri(service.Service.BaseAddress, path));
            request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await service.Service.Client.SendAsync(request, Ct);
            return (response.StatusCode, await ProblemTypeAsync(response));
        }

        var unknownPath = await SendAsync(HttpMethod.Get, "/records/a/b/c");
        var unknownMethod = await SendAsync(HttpMethod.Delete, "/records");

        Assert.Equal((HttpStatusCode.NotFound, "https://tools.ietf.org/html/rfc9110#section-15.5.5"), unknownPath);
        Assert.Equal((HttpStatusCode.MethodNotAllowed, "https://tools.ietf.org/html/rfc9110#section-15.5.6"), unknownMethod);
    }

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Malformed_JSON_gets_the_operations_4xx_problem_and_changes_nothing(string operation, string kind, int status, string type)
    {
        var (method, path, authorization, contentType) = Target(operation);
        var body = Encoding.UTF8.GetBytes(kind switch
        {
            "truncated" => Encoding.UTF8.GetString(operation == "PUT /status-lists/{id}" ? service.Default.List : ProtectedServiceFixture.Observation)[..200],
            "not JSON" => "{not json",
            "nested 10,000 deep" => operation == "POST /records/{recordId}/access"
                ? "{\"presentation\":" + new string('[', 10_000) + new string(']', 10_000) + ",\"purpose\":\"TREAT\"}"
                : "{\"resourceType\":\"Observation\",\"extension\":" + new string('[', 10_000) + new string(']', 10_000) + "}",
            "a lone surrogate escape" => operation == "POST /records/{recordId}/access"
                ? "{\"presentation\":\"\\uD800\",\"purpose\":\"TREAT\"}"
                : LoneSurrogate().Replace(Encoding.UTF8.GetString(operation == "PUT /status-lists/{id}" ? service.Default.List : ProtectedServiceFixture.Observation), "$0\\uD800", 1),
            _ => "[]",
        });
        var before = await StateAsync();

        using var response = await service.SendAsync(method, path, body, contentType, authorization, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(type, await ProblemTypeAsync(response));
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [MemberData(nameof(MalformedPresentations))]
    public async Task A_malformed_presentation_is_refused_without_an_event(string kind)
    {
        static string B64(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        var claims = B64("{\"iss\":\"did:key:z6Mk\",\"nonce\":\"x\",\"aud\":\"identityehr.localhost\",\"vp\":{}}");
        JsonNode presentation = kind switch
        {
            "two segments" => B64("{\"alg\":\"EdDSA\"}") + "." + claims,
            "four segments" => $"{B64("{\"alg\":\"EdDSA\"}")}.{claims}.AA.AA",
            "alg none" => $"{B64("{\"alg\":\"none\",\"typ\":\"vp+jwt\"}")}.{claims}.",
            "not base64url" => "eyJ@@@.%%%.***",
            "a header over 64 KiB" => $"{B64("{\"alg\":\"EdDSA\",\"typ\":\"vp+jwt\",\"x\":\"" + new string('h', 70_000) + "\"}")}.{claims}.AA",
            "signed claims of the wrong shape" => Credentials.Jose.CompactJws.Sign("[1,2]"u8, service.Stranger, ProtectedServiceFixture.KeyId(service.Stranger), "vp+jwt"),
            _ => new JsonObject { ["type"] = 5, ["holder"] = new JsonArray(), ["proof"] = "x" },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["presentation"] = presentation, ["purpose"] = "TREAT" });
        var before = await StateAsync();

        using var response = await service.SendAsync(HttpMethod.Post, $"/records/{service.Default.RecordId}/access", body, "application/json", null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(AccessProblems + "presentation-refused", await ProblemTypeAsync(response));
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [MemberData(nameof(NotDids))]
    public async Task Text_that_is_not_a_DID_is_refused_as_a_patient_and_as_an_erasure_target(string text)
    {
        var before = await StateAsync();

        using var store = await service.SendAsync(
            HttpMethod.Post, $"/records?patient={Uri.EscapeDataString(text)}", ProtectedServiceFixture.Observation, "application/fhir+json", ProtectedServiceFixture.Signed(service.Provider), Ct);
        // Escaped as the service escapes a path when it checks the proof's URL (':' stays), so the proof holds.
        using var erase = await service.SendAsync(
            HttpMethod.Delete, new Microsoft.AspNetCore.Http.PathString($"/patients/{text}/records").ToUriComponent(), null, null, ProtectedServiceFixture.Signed(service.Stranger), Ct);

        Assert.Equal((HttpStatusCode.BadRequest, RecordProblems + "bad-patient"), (store.StatusCode, await ProblemTypeAsync(store)));
        Assert.Equal((HttpStatusCode.Forbidden, RecordProblems + "not-the-patient"), (erase.StatusCode, await ProblemTypeAsync(erase)));
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [MemberData(nameof(InvalidFhir))]
    public async Task Invalid_FHIR_is_422_with_an_OperationOutcome_and_nothing_is_stored(string kind)
    {
        var resource = JsonNode.Parse(ProtectedServiceFixture.Observation)!.AsObject();
        switch (kind)
        {
            case "no resourceType":
                resource.Remove("resourceType");
                break;
            case "an unknown resourceType":
                resource["resourceType"] = "Observatio";
                break;
            case "a number for status":
                resource["status"] = 5;
                break;
            case "an unknown element":
                resource["fuzz"] = "x";
                break;
            case "an impossible date":
                resource["issued"] = "2013-02-30T25:61:00Z";
                break;
            case "contained 100 deep":
                JsonNode contained = new JsonObject { ["resourceType"] = "Basic", ["code"] = new JsonObject { ["text"] = "x" } };
                for (var i = 0; i < 100; i++)
                {
                    contained = new JsonObject { ["resourceType"] = "Basic", ["code"] = new JsonObject { ["text"] = "x" }, ["contained"] = new JsonArray(contained) };
                }

                resource["contained"] = new JsonArray(contained);
                break;
            default:
                resource = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = new JsonArray(new JsonObject { ["resource"] = resource }, new JsonObject { ["resource"] = 5 }) };
                break;
        }

        var before = await StateAsync();

        using var response = await service.SendAsync(
            HttpMethod.Post, $"/records?patient={service.Default.PatientDid}", JsonSerializer.SerializeToUtf8Bytes(resource, s_deep),
            "application/fhir+json", ProtectedServiceFixture.Signed(service.Provider), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(RecordProblems + "invalid-fhir", await ProblemTypeAsync(response));
        Assert.Equal("OperationOutcome", JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("operationOutcome").GetProperty("resourceType").GetString());
        Assert.Equal(before, await StateAsync());
    }
}
