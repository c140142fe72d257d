using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IdentityEhr.Api.Records;
using IdentityEhr.Fhir;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// Issue 9's fuzz test: every operation of the service's own OpenAPI document (so endpoints added later are covered without
/// a change here) gets malformed requests generated from a fixed seed, against the real service on PostgreSQL and anvil that
/// holds a patient's published status list and a record a provider stored for them. No answer may be a 5xx, every 4xx is
/// RFC 9457 problem details, no table changes, and the service still serves legitimate reads afterwards.
/// </summary>
public sealed class HttpFuzzTests(ProtectedServiceFixture service) : IClassFixture<ProtectedServiceFixture>, IDisposable
{
    /// <summary>Requests generated (replayed proofs send theirs twice, so more are sent).</summary>
    private const int Requests = 10_000;

    /// <summary>Requests in flight at once: enough to overlap the client and the service on two cores.</summary>
    private const int Concurrency = 4;

    /// <summary>The variable that overrides the seed, to explore beyond the fixed run.</summary>
    private const string SeedVariable = "EHR_FUZZ_SEED";

    private const int FixedSeed = 20_261_121;

    private static readonly UriCreationOptions s_raw = new() { DangerousDisablePathAndQueryCanonicalization = true };
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = Concurrency * 2 })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri BaseAddress => service.Service.BaseAddress;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Ten_thousand_malformed_requests_to_every_operation_get_4xx_problem_details_and_change_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : FixedSeed;
        var document = JsonDocument.Parse(await _client.GetStringAsync(new Uri(BaseAddress, "/openapi/v1.json"), Ct)).RootElement;
        var operations = FuzzOperation.ReadAll(document);
        var scenario = service.Default;
        var treeSize = (await ServiceState.CaptureAsync(service.ConnectionString, Ct)).TreeSize.ToString(CultureInfo.InvariantCulture);
        var realValues = new Dictionary<string, string[]>
        {
            ["did"] = [scenario.PatientDid],
            ["patient"] = [scenario.PatientDid],
            ["recordId"] = [scenario.RecordId],
            ["eventId"] = [scenario.Record.Event.ToString()],
            ["id"] = [scenario.ListId],
            ["path"] = [$"0/000.p/{treeSize}", $"entries/000.p/{treeSize}"],
            ["version"] = ["1"],
            ["index"] = ["0"],
            ["size"] = [treeSize],
            ["old"] = ["1"],
            ["new"] = [treeSize],
            ["limit"] = ["1"],
        };
        var validator = service.Service.Services.GetRequiredService<FhirValidator>();
        string[] fhirSamples = ["Observation-f001.json", "Patient-example.json", "Condition-example.json", "Bundle-seed-transaction.json"];
        var generator = new MalformedRequests(
            seed, operations, realValues, [.. fhirSamples.Select(f => File.ReadAllBytes(Vectors.PathOf("fhir/" + f)))], service.Provider, service.Stranger, BaseAddress,
            body => validator.Validate(body).IsValid);
        var before = await ServiceState.CaptureAsync(service.ConnectionString, Ct);

        var failures = new ConcurrentQueue<(string Kind, string Text)>();
        var statuses = new ConcurrentDictionary<int, int>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = Ct }, async (index, ct) =>
        {
            var request = generator.Create(index);
            foreach (var outcome in await SendAsync(generator, request, ct))
            {
                Interlocked.Increment(ref sent);
                statuses.AddOrUpdate(outcome.Status, 1, (_, n) => n + 1);
                if (Judge(request, outcome) is { } failure)
                {
                    failures.Enqueue((failure.Kind, $"{request} → {failure.Detail}"));
                }
            }
        });
        var elapsed = clock.Elapsed;
        var after = await ServiceState.CaptureAsync(service.ConnectionString, Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {seed}: {sent} requests over {operations.Count} operations in {elapsed.TotalSeconds:F1} s; statuses " +
            string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}")));
        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} of {sent} requests failed:\n" + string.Join('\n', failures.GroupBy(f => f.Kind).Select(g =>
            $"{g.Count()} × {g.Key}, such as:\n  " + string.Join("\n  ", g.OrderBy(f => f.Text.Length).Take(4).Select(f => f.Text)))));
        Assert.True(sent >= Requests, $"only {sent} requests were sent");
        Assert.Equal(before, after);
        await AssertStillServesAsync(scenario);
    }

    private async Task AssertStillServesAsync(ProtectedServiceFixture.Scenario scenario)
    {
        using var read = await service.SendAsync(HttpMethod.Get, $"/records/{scenario.RecordId}", null, null, ProtectedServiceFixture.Signed(service.Provider), Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(scenario.Record, await read.Content.ReadFromJsonAsync<RecordResponse>(Ct));
        Assert.Equal(scenario.List, await _client.GetByteArrayAsync(new Uri(BaseAddress, "/status-lists/" + scenario.ListId), Ct));
        using var health = await _client.GetAsync(new Uri(BaseAddress, "/health"), Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task<IReadOnlyList<Outcome>> SendAsync(MalformedRequests generator, FuzzRequest request, CancellationToken cancellationToken)
    {
        var address = BaseAddress.GetLeftPart(UriPartial.Authority) + request.Target;
        var url = new Uri(address, s_raw);

        // Proofs are signed for the URL as a client would canonicalize it (a raw one has no components to sign).
        var signed = Uri.TryCreate(address, UriKind.Absolute, out var canonical) ? canonical : BaseAddress;
        var authorization = generator.Authorization(request, signed, request.Body ?? [], DateTimeOffset.UtcNow);
        var outcomes = new List<Outcome>();
        for (var attempt = request.Auth == FuzzAuth.Replayed ? 2 : 1; attempt > 0; attempt--)
        {
            if (request.Framing is { } framing)
            {
                var (status, mediaType, body) = await RawHttp.SendAsync(BaseAddress, RawRequest(request, framing, authorization), cancellationToken);
                outcomes.Add(new Outcome(status, mediaType, body, status == 0 ? "no response over the socket" : null));
                continue;
            }

            using var message = new HttpRequestMessage(new HttpMethod(request.Method), url);
            if (request.HugeLength > 0 || request.Body is not null || request.ContentType is not null)
            {
                message.Content = request.HugeLength > 0 ? new ByteArrayContent(MalformedRequests.Filler, 0, request.HugeLength) : new ByteArrayContent(request.Body ?? []);
                if (request.ContentType is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }

            if (request.Chunked)
            {
                message.Headers.TransferEncodingChunked = true;
            }

            foreach (var (name, value) in request.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            if (authorization is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            try
            {
                using var response = await _client.SendAsync(message, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                outcomes.Add(new Outcome((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, null));
            }
            catch (HttpRequestException e)
            {
                outcomes.Add(new Outcome(0, null, "", $"no response: {e.HttpRequestError} {e.Message}"));
            }
        }

        return outcomes;
    }

    private byte[] RawRequest(FuzzRequest request, string framing, string? authorization)
    {
        var head = new StringBuilder($"{request.Method} {request.Target} HTTP/1.1\r\nHost: {BaseAddress.Authority}\r\n");
        foreach (var (name, value) in request.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (request.ContentType is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {request.ContentType}\r\n");
        }

        if (authorization is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: {authorization}\r\n");
        }

        head.Append("Transfer-Encoding: chunked\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. RawHttp.Frame(framing, request.Body!)];
    }

    /// <summary>What is wrong with an answer, or <see langword="null"/> when nothing is.</summary>
    private static (string Kind, string Detail)? Judge(FuzzRequest request, Outcome outcome)
    {
        var excerpt = outcome.Body.Length <= 300 ? outcome.Body : outcome.Body[..300] + "…";
        // Past Kestrel's body limit the client sends the body only after an answer below 300 (Expect: 100-continue), and Kestrel
        // then drops the connection on it: no answer to see, but none that could have been an error either.
        if (outcome.Error is { } error)
        {
            return request.HugeLength > MalformedRequests.KestrelMaxBody ? null : ("no response", error);
        }

        // A 5xx is a failure unless the operation's document declares that status and it comes as problem details: the DID
        // Resolution binding answers 501 for a DID method not served here (DID Resolution v1.0, HTTP binding), which is not
        // an error of the service.
        if (outcome.Status >= 500 && !(request.Operation.DeclaredStatuses.Contains(outcome.Status) && (IsProblem(outcome.MediaType, outcome.Body) || IsNegotiatedProblem(request, outcome))))
        {
            return ($"{outcome.Status} on {request.Operation}", $"{outcome.Status} {outcome.MediaType}: {excerpt}");
        }

        if (outcome.Status is >= 400 and < 500 && !IsProblem(outcome.MediaType, outcome.Body) && !IsNegotiatedProblem(request, outcome) && !IsKestrels(request, outcome))
        {
            return ($"{outcome.Status} without problem details on {request.Operation}", $"{outcome.Status} ({outcome.MediaType ?? "no content type"}): {excerpt}");
        }

        return null;
    }

    /// <summary>
    /// A representation the client asked for by name that carries the problem object inside: DID Resolution's HTTP binding
    /// answers <c>Accept: application/did-resolution</c> with the resolution result, its <c>didResolutionMetadata.error</c> the
    /// problem (specs/http-api.md).
    /// </summary>
    private static bool IsNegotiatedProblem(FuzzRequest request, Outcome outcome) =>
        outcome.MediaType is { } mediaType && mediaType != "application/json"
        && request.Headers.Any(h => h.Key == "Accept" && h.Value.Contains(mediaType, StringComparison.OrdinalIgnoreCase))
        && TryParse(outcome.Body, out var root) && root.ValueKind == JsonValueKind.Object
        && root.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("error", out var e) && IsProblem(e));

    /// <summary>Kestrel's own refusal of a request it never hands to the application: the status alone, no body.</summary>
    private static bool IsKestrels(FuzzRequest request, Outcome outcome) => request.KestrelRefuses && outcome.Status is 400 or 414 or 431 && outcome.Body.Length == 0;

    private static bool IsProblem(string? mediaType, string body) => mediaType == "application/problem+json" && TryParse(body, out var root) && IsProblem(root);

    /// <summary>An RFC 9457 problem object: at least a <c>type</c> and a <c>title</c>.</summary>
    private static bool IsProblem(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String;

    private static bool TryParse(string text, out JsonElement root)
    {
        try
        {
            root = JsonDocument.Parse(text).RootElement;
            return true;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
    }

    private sealed record Outcome(int Status, string? MediaType, string Body, string? Error);
}
