using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace IdentityEhr.Access.Load;

/// <summary>
/// The provider's side of one consent-gated read over HTTP, as <c>ehr record get --consent</c> does it: a fresh challenge, a
/// presentation signed for it, the access request; the release's <c>AccessGranted</c> event id is kept.
/// </summary>
internal sealed class AccessClient(HttpClient http, Uri service, AccessScenario scenario)
{
    private static readonly MediaTypeHeaderValue s_json = MediaTypeHeaderValue.Parse("application/json");
    private readonly Uri _challenges = new(service, "/access/challenges");
    private readonly Uri[] _records = [.. scenario.Records.Select(r => new Uri(service, $"/records/{r.RecordId}/access"))];

    /// <summary>Gets the domain the service asked presentations to be signed for (from its first challenge).</summary>
    public string? Domain { get; private set; }

    /// <summary>Access number <paramref name="k"/>: record and provider taken in turn, so every provider and record is used.</summary>
    public async Task<AccessOutcome> AccessAsync(long k, CancellationToken cancellationToken)
    {
        var providers = scenario.Providers;
        var provider = (int)(k % providers);
        var recordIndex = (int)(k / providers % _records.Length);
        var record = scenario.Records[recordIndex];
        var started = Stopwatch.GetTimestamp();
        try
        {
            string challenge, domain;
            using (var request = new HttpRequestMessage(HttpMethod.Post, _challenges) { Content = new ByteArrayContent("{}"u8.ToArray()) })
            {
                request.Content.Headers.ContentType = s_json;
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    return AccessOutcome.Failed($"challenge {(int)response.StatusCode}", started);
                }

                (challenge, domain) = ReadChallenge(body);
                Domain ??= domain;
            }

            var signing = Stopwatch.GetTimestamp();
            var accessBody = scenario.AccessBody(record.Patient, provider, challenge, domain);
            var sending = Stopwatch.GetTimestamp();
            using (var request = new HttpRequestMessage(HttpMethod.Post, _records[recordIndex]) { Content = new ByteArrayContent(accessBody) })
            {
                request.Content.Headers.ContentType = s_json;
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var done = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return AccessOutcome.Failed($"access {(int)response.StatusCode}", started);
                }

                return new AccessOutcome(null, ReadEvent(body), started, signing, sending, done);
            }
        }
        catch (HttpRequestException e)
        {
            return AccessOutcome.Failed($"http {e.HttpRequestError}", started);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AccessOutcome.Failed("timeout", started);
        }
    }

    private static (string Challenge, string Domain) ReadChallenge(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        string? challenge = null, domain = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "challenge")
                {
                    challenge = reader.GetString();
                }
                else if (name == "domain")
                {
                    domain = reader.GetString();
                }
            }
        }

        return (challenge ?? throw new InvalidDataException("no challenge"), domain ?? throw new InvalidDataException("no domain"));
    }

    /// <summary>The release document's top-level <c>event</c>: the <c>AccessGranted</c> event's id.</summary>
    private static Guid ReadEvent(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                return reader.GetGuid();
            }

            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 1)
            {
                reader.Skip();
            }
        }

        throw new InvalidDataException("the release document has no event");
    }
}

/// <summary>How one access went: an error (status or exception) or the granted event, with its timestamps.</summary>
internal readonly record struct AccessOutcome(string? Error, Guid Event, long Started, long Signing, long Sending, long Done)
{
    public static AccessOutcome Failed(string error, long started) => new(error, Guid.Empty, started, 0, 0, Stopwatch.GetTimestamp());

    /// <summary>The access request alone (send → whole release document read).</summary>
    public double AccessMilliseconds => Stopwatch.GetElapsedTime(Sending, Done).TotalMilliseconds;

    /// <summary>Challenge + signing + access.</summary>
    public double TotalMilliseconds => Stopwatch.GetElapsedTime(Started, Done).TotalMilliseconds;

    /// <summary>The client's presentation signing.</summary>
    public double SigningMilliseconds => Stopwatch.GetElapsedTime(Signing, Sending).TotalMilliseconds;
}
