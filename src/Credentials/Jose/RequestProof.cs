using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Credentials.Jose;

/// <summary>
/// A request signed by the caller's DID, in the manner of DPoP (RFC 9449): a compact JWS (<c>typ: ehr-request+jwt</c>, <c>kid</c> a
/// key under the caller's <c>authentication</c>) whose claims bind it to one request — <c>iss</c> (the caller's DID), <c>htm</c>
/// (method), <c>htu</c> (URL without fragment), <c>htb</c> (base64url SHA-256 of the body), <c>iat</c> and a single-use
/// <c>jti</c>. Sent as <c>Authorization: DID &lt;jws&gt;</c>. The replay check of <c>jti</c> is the server's (it keeps state).
/// </summary>
public static class RequestProof
{
    /// <summary>The JWS <c>typ</c>.</summary>
    public const string MediaType = "ehr-request+jwt";

    /// <summary>The <c>Authorization</c> scheme.</summary>
    public const string Scheme = "DID";

    /// <summary>How far <c>iat</c> may be from the server's clock either way.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(60);

    /// <summary>Signs a proof for one request.</summary>
    /// <param name="key">The caller's authentication key.</param>
    /// <param name="keyId">The key's DID URL.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="url">The absolute request URL.</param>
    /// <param name="body">The request body's bytes (empty for none).</param>
    /// <param name="now">The signing time.</param>
    /// <returns>The compact JWS.</returns>
    public static string Create(PrivateKey key, string keyId, string method, Uri url, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (!DidUrl.TryParse(keyId, out var kid, out _))
        {
            throw new ArgumentException("The key id must be a DID URL.", nameof(keyId));
        }

        var claims = new JsonObject
        {
            ["iss"] = kid.Did.ToString(),
            ["htm"] = method.ToUpperInvariant(),
            ["htu"] = Target(url),
            ["htb"] = BodyHash(body),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Base64UrlText.Encode(RandomNumberGenerator.GetBytes(18)),
        };
        return CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), key, keyId, MediaType);
    }

    /// <summary>The value of <c>htb</c> for a body.</summary>
    /// <param name="body">The body's bytes.</param>
    /// <returns>Base64url of its SHA-256.</returns>
    public static string BodyHash(ReadOnlySpan<byte> body) => Base64UrlText.Encode(SHA256.HashData(body));

    /// <summary>The value of <c>htu</c> for a URL: scheme, host, port, path and query, without the fragment.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <returns>The text compared.</returns>
    public static string Target(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);
    }

    /// <summary>
    /// Checks a proof against a request: shape and type, then time, request and body (cheap, before any resolution), then the
    /// caller's DID and signature. The replay check is the caller's, with <see cref="RequestProofResult.Id"/>, once all of these held.
    /// </summary>
    /// <param name="compact">The JWS from the <c>Authorization</c> header.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="url">The request's absolute URL as the server sees it.</param>
    /// <param name="bodyHash">The request body's <see cref="BodyHash"/>.</param>
    /// <param name="now">The server's time.</param>
    /// <param name="resolver">Resolves the caller's DID.</param>
    /// <param name="cancellationToken">Cancels resolution.</param>
    /// <returns>The outcome: the caller's DID when it holds.</returns>
    public static async ValueTask<RequestProofResult> VerifyAsync(
        string? compact, string method, Uri url, string bodyHash, DateTimeOffset now, DidResolver resolver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(resolver);
        if (string.IsNullOrEmpty(compact))
        {
            return RequestProofResult.Refused(RequestProofError.Missing);
        }

        if (!CompactJws.TryDecode(compact, out var jws, out _))
        {
            return RequestProofResult.Refused(RequestProofError.Malformed);
        }

        if (jws.Type != MediaType)
        {
            return RequestProofResult.Refused(RequestProofError.WrongType);
        }

        if (!TryReadClaims(jws, out var claims))
        {
            return RequestProofResult.Refused(RequestProofError.Malformed);
        }

        // The cheap checks first: a proof for another time, request or body is refused before its DID is resolved (which for
        // did:ethr costs chain calls), so unsigned junk cannot make the service do work. Their claims are not yet known to be
        // the caller's, but a refusal tells an attacker nothing a signed proof would not.
        var issued = DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt);
        var error = issued < now - MaxSkew ? RequestProofError.Expired
            : issued > now + MaxSkew ? RequestProofError.NotYetValid
            : !string.Equals(claims.Method, method, StringComparison.Ordinal) || claims.Target != Target(url) ? RequestProofError.WrongRequest
            : !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(claims.BodyHash), System.Text.Encoding.ASCII.GetBytes(bodyHash)) ? RequestProofError.WrongBody
            : RequestProofError.None;
        if (error != RequestProofError.None)
        {
            return RequestProofResult.Refused(error);
        }

        var verification = await JoseCredentials.VerifyAsync(compact, VerificationRelationship.Authentication, resolver, cancellationToken).ConfigureAwait(false);
        error = verification.Error switch
        {
            JoseError.None => RequestProofError.None,
            JoseError.DidNotResolved => RequestProofError.DidNotResolved,
            JoseError.KeyNotAuthorized => RequestProofError.KeyNotAuthorized,
            JoseError.SignatureInvalid => RequestProofError.SignatureInvalid,
            _ => RequestProofError.Malformed,
        };
        return error != RequestProofError.None
            ? RequestProofResult.Refused(error)
            : new RequestProofResult(RequestProofError.None, verification.Signer, claims.Id, issued);
    }

    private static bool TryReadClaims(CompactJws jws, out (string Method, string Target, string BodyHash, long IssuedAt, string Id) claims)
    {
        claims = default;
        try
        {
            using var document = JsonDocument.Parse(jws.Payload, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || JsonText.String(root, "htm") is not { Length: > 0 and <= 16 } htm
                || JsonText.String(root, "htu") is not { Length: > 0 and <= 4096 } htu
                || JsonText.String(root, "htb") is not { Length: 43 } htb
                || JsonText.String(root, "jti") is not { Length: >= 16 and <= 128 } jti || jti.Any(c => c is < '!' or > '~')
                || !root.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number || !iat.TryGetInt64(out var issuedAt)
                || issuedAt is < 0 or > 253402300799)
            {
                return false;
            }

            claims = (htm, htu, htb, issuedAt, jti);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>The outcome of <see cref="RequestProof.VerifyAsync"/>.</summary>
/// <param name="Error">Why it was refused, or <see cref="RequestProofError.None"/>.</param>
/// <param name="Caller">The caller's DID, when it holds.</param>
/// <param name="Id">The proof's <c>jti</c>, for the replay check.</param>
/// <param name="IssuedAt">The proof's <c>iat</c>.</param>
public sealed record RequestProofResult(RequestProofError Error, Did? Caller, string? Id, DateTimeOffset IssuedAt)
{
    /// <summary>Gets a value saying whether the proof holds (before the replay check).</summary>
    public bool Holds => Error == RequestProofError.None;

    internal static RequestProofResult Refused(RequestProofError error) => new(error, null, null, default);
}
