using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Tiles;

namespace IdentityEhr.Cli;

/// <summary>
/// Talks to the service over HTTP: reads its audit log as any tlog-tiles client would, and sends requests signed with a request
/// proof of a wallet DID. Every failure becomes a <see cref="CliException"/> with one line.
/// </summary>
internal sealed class ServiceClient(CliContext context, Uri service) : IDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The largest answer a signed request may get (a release document carries up to 4 MiB of ciphertext).</summary>
    private const int MaxSignedAnswerBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = context.CreateHttpClient(s_timeout);
    private readonly string _origin = service.GetLeftPart(UriPartial.Authority);

    // Keep a path prefix of --url (a service behind a reverse proxy at /ehr/): resolve paths relative to it.
    private readonly Uri _base = new(service.ToString().TrimEnd('/') + "/");

    /// <summary>The client for the service that <c>--url</c> (or <c>EHR_URL</c>) names.</summary>
    public static ServiceClient For(CliContext context, System.CommandLine.ParseResult parse) =>
        context.ServiceUrl(parse, out var problem) is { } url ? new ServiceClient(context, url) : throw new CliException(ExitCodes.UsageError, problem!);

    /// <summary>Reads the service's JSON answer as an object, or fails in one line.</summary>
    public static System.Text.Json.Nodes.JsonObject Json(byte[] body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body) as System.Text.Json.Nodes.JsonObject
                ?? throw new CliException(ExitCodes.Unavailable, "the service answered with JSON that is not an object");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new CliException(ExitCodes.Unavailable, "the service answered with something that is not JSON");
        }
    }

    /// <summary>Gets a resource; <see langword="null"/> on 404, the body on 200, and a one-line failure otherwise.</summary>
    public async Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, path.TrimStart('/')));
        return await SendAsync(request, path, MaxBodyBytes, notFoundIsNull: true, cancellationToken);
    }

    /// <summary>
    /// Sends a request signed by a wallet DID (<c>Authorization: DID &lt;request proof&gt;</c>, specs/http-api.md) and returns the
    /// answer's body; a refusal becomes one line with the service's own reason, and for invalid FHIR each issue's path.
    /// </summary>
    public async Task<byte[]> SendSignedAsync(
        HttpMethod method, string path, byte[]? body, string? contentType, IdentityEhr.Identity.Keys.PrivateKey key, string keyId, CancellationToken cancellationToken)
    {
        var url = new Uri(_base, path.TrimStart('/'));
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        var proof = IdentityEhr.Credentials.Jose.RequestProof.Create(key, keyId, method.Method, url, body ?? [], context.Time.GetUtcNow());
        request.Headers.TryAddWithoutValidation("Authorization", $"{IdentityEhr.Credentials.Jose.RequestProof.Scheme} {proof}");
        return (await SendAsync(request, path, MaxSignedAnswerBytes, notFoundIsNull: false, cancellationToken))!;
    }

    /// <summary>Posts a JSON body without a request proof (the challenge, and an access request, which a presentation authenticates).</summary>
    public async Task<byte[]> PostAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, path.TrimStart('/'))) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json");
        return (await SendAsync(request, path, MaxSignedAnswerBytes, notFoundIsNull: false, cancellationToken))!;
    }

    private async Task<byte[]?> SendAsync(HttpRequestMessage request, string path, int maxBytes, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (notFoundIsNull && response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                // A 4xx is the service refusing what we asked (the check cannot be made); say why in its own words.
                var detail = await ProblemDetailAsync(response, cancellationToken);
                throw new CliException(
                    (int)response.StatusCode is >= 400 and < 500 ? ExitCodes.CheckFailed : ExitCodes.Unavailable,
                    $"{_origin} answered {(int)response.StatusCode}{(detail is null ? string.Empty : $": {detail}")}");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new CliException(ExitCodes.Unavailable, $"{_origin}{path} answered with an oversized body");
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length > maxBytes ? throw new CliException(ExitCodes.Unavailable, $"{_origin}{path} answered with an oversized body") : body;
        }
        catch (HttpRequestException e)
        {
            var reason = e.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection refused or no route",
                HttpRequestError.NameResolutionError => "unknown host",
                _ => e.HttpRequestError.ToString(),
            };
            throw new CliException(ExitCodes.Unavailable, $"cannot reach {_origin}: {reason}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"{_origin} did not answer within {s_timeout.TotalSeconds:0} s");
        }
    }

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || response.Content.Headers.ContentLength > 262_144)
        {
            return null;
        }

        try
        {
            var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var detail = problem?["detail"]?.GetValue<string>() is { Length: <= 300 } text ? text : null;

            // Invalid FHIR: the OperationOutcome's issues, each as its path and diagnostics, on the same line.
            if (problem?["operationOutcome"]?["issue"] is System.Text.Json.Nodes.JsonArray issues)
            {
                var listed = issues.Take(10).Select(i => $"{i?["expression"]?[0]?.GetValue<string>() ?? "?"}: {i?["diagnostics"]?.GetValue<string>() ?? i?["code"]?.GetValue<string>()}");
                detail = $"{detail} — {string.Join("; ", listed)}{(issues.Count > 10 ? $"; and {issues.Count - 10} more" : string.Empty)}";
            }

            // One line, printable, bounded: the text comes from the server and goes to a terminal.
            return detail is null ? null : OneLine(detail);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string OneLine(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
        return clean.Length <= 600 ? clean : clean[..600] + "…";
    }

    /// <summary>Gets and parses the latest signed checkpoint.</summary>
    public async Task<SignedCheckpoint> CheckpointAsync(CancellationToken cancellationToken)
    {
        var body = await GetAsync("/log/checkpoint", cancellationToken)
            ?? throw new CliException(ExitCodes.Unavailable, $"{_origin} has no checkpoint yet");
        return SignedCheckpoint.TryParse(System.Text.Encoding.UTF8.GetString(body), out var checkpoint, out var error)
            ? checkpoint
            : throw new CliException(ExitCodes.CheckFailed, $"{_origin}/log/checkpoint is not a signed checkpoint ({error})");
    }

    /// <summary>Gets a tile or an entry bundle at the width asked for.</summary>
    public Task<byte[]?> ResourceAsync(TileResource resource, CancellationToken cancellationToken) =>
        GetAsync("/log/" + resource, cancellationToken);

    public void Dispose() => _http.Dispose();
}
