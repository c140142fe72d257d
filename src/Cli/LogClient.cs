using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Tiles;

namespace IdentityEhr.Cli;

/// <summary>Reads a service's audit log over HTTP, as any tlog-tiles client would; every failure becomes a <see cref="CliException"/>.</summary>
internal sealed class LogClient(CliContext context, Uri service) : IDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = context.CreateHttpClient(s_timeout);
    private readonly string _origin = service.GetLeftPart(UriPartial.Authority);

    // Keep a path prefix of --url (a service behind a reverse proxy at /ehr/): resolve paths relative to it.
    private readonly Uri _base = new(service.ToString().TrimEnd('/') + "/");

    /// <summary>Gets a resource; <see langword="null"/> on 404, the body on 200, and a one-line failure otherwise.</summary>
    public async Task<byte[]?> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(_base, path.TrimStart('/')), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
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

            if (response.Content.Headers.ContentLength > MaxBodyBytes)
            {
                throw new CliException(ExitCodes.Unavailable, $"{_origin}{path} answered with an oversized body");
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length > MaxBodyBytes ? throw new CliException(ExitCodes.Unavailable, $"{_origin}{path} answered with an oversized body") : body;
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
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || response.Content.Headers.ContentLength > 16_384)
        {
            return null;
        }

        try
        {
            var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return problem?["detail"]?.GetValue<string>() is { Length: <= 300 } detail ? detail : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
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
