namespace IdentityEhr.Api.Auth;

/// <summary>
/// The URL clients reach the service at (<c>EHR_PUBLIC_URL</c>), against which request proofs' <c>htu</c> is checked. Unset, the
/// URL is rebuilt from the request itself (its Host header), which is right for direct connections; behind a reverse proxy, or
/// where several names reach one service, set it so a proof signed for another host is refused.
/// </summary>
/// <param name="Url">The public base URL, or <see langword="null"/>.</param>
internal sealed record PublicOrigin(Uri? Url)
{
    /// <summary>The variable naming the public base URL.</summary>
    public const string Variable = "EHR_PUBLIC_URL";

    /// <summary>Reads the setting.</summary>
    /// <exception cref="FormatException">It is not an absolute http(s) URL without query or fragment.</exception>
    public static PublicOrigin Read(Func<string, string?> lookup)
    {
        if (lookup(Variable) is not { Length: > 0 } text || string.IsNullOrWhiteSpace(text))
        {
            return new PublicOrigin((Uri?)null);
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.Fragment.Length == 0
            ? new PublicOrigin(url)
            : throw new FormatException($"{Variable} must be an absolute http:// or https:// URL without query or fragment, such as https://ehr.example.org/");
    }

    /// <summary>The URL a request was made to, as its client signed it.</summary>
    /// <returns>The URL, or <see langword="null"/> when the request's own Host header does not make one.</returns>
    public Uri? Of(HttpRequest request)
    {
        var pathAndQuery = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        var text = Url is { } url
            ? url.GetLeftPart(UriPartial.Authority) + url.AbsolutePath.TrimEnd('/') + pathAndQuery
            : Microsoft.AspNetCore.Http.Extensions.UriHelper.GetEncodedUrl(request);
        return Uri.TryCreate(text, UriKind.Absolute, out var made) ? made : null;
    }
}
