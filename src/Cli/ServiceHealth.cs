using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityEhr.Cli;

/// <summary>Reads a running service's <c>/health</c> report: the one place the CLI asks the service which database and chain it uses.</summary>
internal static class ServiceHealth
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Fetches the report; on failure, returns no report and the one-line reason with its exit code.</summary>
    public static async Task<(int Status, JsonNode? Report, string Body, (int ExitCode, string Reason)? Failure)> FetchAsync(
        CliContext context, Uri service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var origin = service.GetLeftPart(UriPartial.Authority);
        using var http = context.CreateHttpClient(timeout);
        try
        {
            using var response = await http.GetAsync(new Uri(service, "/health"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.Content.Headers.ContentLength > MaxBodyBytes)
            {
                return (0, null, string.Empty, (ExitCodes.Unavailable, $"{origin} answered with an oversized body"));
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, JsonNode.Parse(body), body, null);
        }
        catch (HttpRequestException e)
        {
            var reason = e.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection refused or no route",
                HttpRequestError.NameResolutionError => "unknown host",
                _ => e.Message,
            };
            return (0, null, string.Empty, (ExitCodes.Unavailable, $"cannot reach {origin}: {reason}"));
        }
        catch (JsonException)
        {
            return (0, null, string.Empty, (ExitCodes.Unavailable, $"{origin} answered /health with a body that is not JSON"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, null, string.Empty, (ExitCodes.Unavailable, $"{origin} did not answer within {timeout.TotalSeconds:0} s"));
        }
    }
}
