using IdentityEhr.Api.Log;
using IdentityEhr.Credentials.Verification;

namespace IdentityEhr.Api.Consents;

/// <summary>
/// The verifier's source of status lists: the lists this service hosts, found by the last segment of a
/// <c>…/status-lists/{id}</c> URL. Other URLs are never fetched (no request to an address a credential names), so a consent
/// whose list lives elsewhere is refused as <c>StatusUnavailable</c>; the verifier also checks that the list's id is the URL.
/// </summary>
internal sealed class HostedStatusLists(AuditLogService log) : IStatusListSource
{
    private const string Segment = "/status-lists/";

    public async ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.Query.Length > 0)
        {
            return null;
        }

        var path = parsed.AbsolutePath;
        var at = path.LastIndexOf(Segment, StringComparison.Ordinal);
        if (at < 0 || path.Length == at + Segment.Length || path.IndexOf('/', at + Segment.Length) >= 0)
        {
            return null;
        }

        return await log.Store.StatusLists.GetAsync(path[(at + Segment.Length)..], cancellationToken);
    }
}
