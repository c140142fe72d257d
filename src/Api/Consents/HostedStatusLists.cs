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

    public async ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken) =>
        TryGetListId(url, out var id) ? await log.Store.StatusLists.GetAsync(id, cancellationToken) : null;

    /// <summary>The one reading of a hosted list's URL: its last <c>/status-lists/{id}</c> segment, with no query or fragment.</summary>
    public static bool TryGetListId(string url, out string id)
    {
        id = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            return false;
        }

        var path = parsed.AbsolutePath;
        var at = path.LastIndexOf(Segment, StringComparison.Ordinal);
        if (at < 0 || path.Length == at + Segment.Length || path.IndexOf('/', at + Segment.Length) >= 0)
        {
            return false;
        }

        id = path[(at + Segment.Length)..];
        return true;
    }
}
