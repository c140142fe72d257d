using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Api.Auth;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// Issue 9's security tests of request proofs over real HTTP: every operation that needs one refuses each kind of bad proof
/// with 401 and that check's problem type, and nothing is stored. RecordEndpointTests checks the same on <c>POST /records</c>
/// alone, and RequestProofTests (Credentials) each check in isolation; here the matrix covers every protected operation of
/// the OpenAPI document, and "nothing stored" means every table of the schema.
/// </summary>
public sealed class RequestProofSecurityTests(ProtectedServiceFixture service) : IClassFixture<ProtectedServiceFixture>
{
    // The access operations authenticate their caller by the presentation's proof, not a request proof
    // (ConsentGatedAccessTests, AuthorizationTests, and the fuzz test for malformed ones).
    private static readonly string[] s_notRequestProofs = ["POST /records/{recordId}/access", "POST /records/{recordId}/emergency-access"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadProofs => new()
    {
        { "missing", "proof-missing" },
        { "of another scheme", "proof-missing" },
        { "not a JWS", "proof-malformed" },
        { "unsigned (alg none)", "proof-malformed" },
        { "of another type", "proof-wrong-type" },
        { "expired", "proof-expired" },
        { "not yet valid", "proof-not-yet-valid" },
        { "for another URL", "proof-wrong-request" },
        { "for another host", "proof-wrong-request" },
        { "for another method", "proof-wrong-request" },
        { "for another body", "proof-wrong-body" },
        { "by a DID that does not resolve", "proof-did-not-resolved" },
        { "by a key not in the DID document", "proof-key-not-authorized" },
        { "by a key that is not for authentication", "proof-key-not-authorized" },
        { "by another key under the caller's key id", "proof-signature-invalid" },
        { "with its signature altered", "proof-signature-invalid" },
        { "with its claims altered", "proof-signature-invalid" },
    };

    /// <summary>Each operation that takes a request proof, as its rightful caller would send it for a scenario.</summary>
    private IReadOnlyList<ProtectedRequest> Requests(ProtectedServiceFixture.Scenario scenario) =>
    [
        new("POST", "/records", $"/records?patient={scenario.PatientDid}", ProtectedServiceFixture.Observation, "application/fhir+json", service.Provider),
        new("PUT", "/records/{recordId}", $"/records/{scenario.RecordId}", ProtectedServiceFixture.Observation, "application/fhir+json", service.Provider),
        new("GET", "/records/{recordId}", $"/records/{scenario.RecordId}", null, null, service.Provider),
        new("GET", "/records/{recordId}/provenance", $"/records/{scenario.RecordId}/provenance", null, null, scenario.Patient),
        new("PUT", "/status-lists/{id}", $"/status-lists/{scenario.ListId}", scenario.List, "application/json", scenario.Patient),
        new("POST", "/patients", "/patients", null, null, scenario.Patient),
        new("POST", "/providers", "/providers", null, null, service.Provider),
        new("GET", "/patients/{did}/records", $"/patients/{scenario.PatientDid}/records", null, null, scenario.Patient),
        new("POST", "/consents", "/consents", scenario.Consent, "application/json", scenario.Patient),
        new("GET", "/patients/{did}/consents", $"/patients/{scenario.PatientDid}/consents", null, null, scenario.Patient),
        new("POST", "/consents/{consentId}/revocation", $"/consents/{scenario.ConsentId}/revocation", scenario.RevokingList, "application/json", scenario.Patient),
        new("GET", "/patients/{did}/history", $"/patients/{scenario.PatientDid}/history", null, null, scenario.Patient),
        new("DELETE", "/records/{recordId}", $"/records/{scenario.RecordId}", null, null, scenario.Patient),
        new("DELETE", "/patients/{did}/records", $"/patients/{scenario.PatientDid}/records", null, null, scenario.Patient),
    ];

    [Fact]
    public async Task Every_operation_the_document_declares_401_for_is_in_the_matrix()
    {
        var document = JsonDocument.Parse(await service.Service.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct)).RootElement;

        var declared = FuzzOperation.ReadAll(document).Where(o => o.DeclaredStatuses.Contains(401)).Select(o => o.ToString()).Except(s_notRequestProofs).Order();

        Assert.Equal(declared, Requests(service.Default).Select(r => $"{r.Method} {r.Template}").Order());
    }

    [Fact]
    public async Task A_proof_by_the_rightful_caller_for_exactly_the_request_is_accepted_by_every_operation()
    {
        var scenario = await service.NewScenarioAsync(Ct);
        var statuses = new List<HttpStatusCode>();

        foreach (var request in Requests(scenario))
        {
            using var response = await SendAsync(request, ProtectedServiceFixture.Signed(request.Signer));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(
            [
                HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
                HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
            ],
            statuses);
    }

    [Theory]
    [MemberData(nameof(BadProofs))]
    public async Task Every_protected_operation_refuses_a_proof_and_stores_nothing_when_it_is(string proof, string problem)
    {
        var before = await ServiceState.CaptureAsync(service.ConnectionString, Ct);

        foreach (var request in Requests(service.Default))
        {
            using var response = await SendAsync(request, BadProof(proof, request));

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{request.Method} {request.Path}: {response.StatusCode}");
            Assert.Equal("DID", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var type = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("type").GetString();
            Assert.True(type == RequestAuthenticator.ProblemBase + problem, $"{request.Method} {request.Path}: {type}");
        }

        Assert.Equal(before, await ServiceState.CaptureAsync(service.ConnectionString, Ct));
    }

    [Fact]
    public async Task Every_protected_operation_refuses_a_replayed_proof_and_the_replay_adds_nothing()
    {
        var scenario = await service.NewScenarioAsync(Ct);

        foreach (var request in Requests(scenario))
        {
            // The first use does what it asks (the order of Requests keeps every one of them possible); its copy nothing more.
            string? used = null;
            using var first = await SendAsync(request, (method, url, body) => used = ProtectedServiceFixture.Signed(request.Signer)(method, url, body));
            Assert.True(first.IsSuccessStatusCode, $"{request.Method} {request.Path}: {first.StatusCode}");
            var afterFirst = await ServiceState.CaptureAsync(service.ConnectionString, Ct);

            using var replayed = await SendAsync(request, (_, _, _) => used);

            Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
            var type = JsonDocument.Parse(await replayed.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("type").GetString();
            Assert.Equal(RequestAuthenticator.ProblemBase + "proof-replayed", type);
            Assert.Equal(afterFirst, await ServiceState.CaptureAsync(service.ConnectionString, Ct));
        }
    }

    private Task<HttpResponseMessage> SendAsync(ProtectedRequest request, Func<HttpMethod, Uri, byte[], string?> authorization) =>
        service.SendAsync(new HttpMethod(request.Method), request.Path, request.Body, request.ContentType, authorization, Ct);

    /// <summary>Makes the <c>Authorization</c> header of a bad proof for a request its rightful caller would otherwise make.</summary>
    private Func<HttpMethod, Uri, byte[], string?> BadProof(string kind, ProtectedRequest request)
    {
        var signer = request.Signer;
        var did = DidKey.Create(signer.PublicKey).ToString();
        string Proof(Uri url, string method, byte[] body, DateTimeOffset? at = null) =>
            RequestProof.Create(signer, ProtectedServiceFixture.KeyId(signer), method, url, body, at ?? DateTimeOffset.UtcNow);
        string Sign(Uri url, string method, byte[] body, PrivateKey key, string keyId, string issuer, string? type = RequestProof.MediaType) =>
            CompactJws.Sign(Claims(issuer, method, url, body), key, keyId, type);

        return kind switch
        {
            "missing" => (_, _, _) => null,
            "of another scheme" => (method, url, body) => "Bearer " + Proof(url, method.Method, body),
            "not a JWS" => (_, _, _) => "DID garbage",
            "unsigned (alg none)" => (method, url, body) =>
                $"DID {Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { alg = "none", typ = RequestProof.MediaType, kid = ProtectedServiceFixture.KeyId(signer) }))}" +
                $".{Base64Url.EncodeToString(Claims(did, method.Method, url, body))}.",
            "of another type" => (method, url, body) => "DID " + Sign(url, method.Method, body, signer, ProtectedServiceFixture.KeyId(signer), did, "JWT"),
            "expired" => (method, url, body) => "DID " + Proof(url, method.Method, body, DateTimeOffset.UtcNow.AddMinutes(-2)),
            "not yet valid" => (method, url, body) => "DID " + Proof(url, method.Method, body, DateTimeOffset.UtcNow.AddMinutes(2)),
            "for another URL" => (method, url, body) => "DID " + Proof(new Uri(url + (url.Query.Length > 0 ? "&" : "?") + "x=1"), method.Method, body),
            "for another host" => (method, url, body) => "DID " + Proof(new UriBuilder(url) { Host = "localhost" }.Uri, method.Method, body),
            "for another method" => (method, url, body) => "DID " + Proof(url, method == HttpMethod.Post ? "PUT" : "POST", body),
            "for another body" => (method, url, body) => "DID " + Proof(url, method.Method, [.. body, (byte)' ']),
            "by a DID that does not resolve" => (method, url, body) =>
                "DID " + Sign(url, method.Method, body, service.Stranger, "did:web:ehr.example.org#key-1", "did:web:ehr.example.org"),
            "by a key not in the DID document" => (method, url, body) =>
                "DID " + Sign(url, method.Method, body, service.Stranger, $"{did}#{service.Stranger.PublicKey.ExportMultikey()}", did),
            "by a key that is not for authentication" => (method, url, body) =>
                "DID " + Sign(url, method.Method, body, signer, $"{did}#{signer.PublicKey.ToX25519().ExportMultikey()}", did),
            "by another key under the caller's key id" => (method, url, body) =>
                "DID " + Sign(url, method.Method, body, service.Stranger, ProtectedServiceFixture.KeyId(signer), did),
            "with its signature altered" => (method, url, body) =>
            {
                // One character in the middle of the signature (the last one may carry only unused bits).
                var proof = Proof(url, method.Method, body);
                var at = proof.LastIndexOf('.') + ((proof.Length - proof.LastIndexOf('.')) / 2);
                return "DID " + proof[..at] + (proof[at] == 'A' ? 'B' : 'A') + proof[(at + 1)..];
            },
            "with its claims altered" => (method, url, body) =>
            {
                // Another jti under the original signature: every claim still checks, only the signature does not.
                var parts = Proof(url, method.Method, body).Split('.');
                var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
                claims["jti"] = Guid.NewGuid().ToString("N");
                return $"DID {parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";
            },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such bad proof"),
        };
    }

    private static byte[] Claims(string issuer, string method, Uri url, byte[] body) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        iss = issuer,
        htm = method,
        htu = RequestProof.Target(url),
        htb = RequestProof.BodyHash(body),
        iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        jti = Guid.NewGuid().ToString("N"),
    });

    /// <summary>An operation's request as its rightful caller sends it.</summary>
    private sealed record ProtectedRequest(string Method, string Template, string Path, byte[]? Body, string? ContentType, PrivateKey Signer);
}
