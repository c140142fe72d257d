using IdentityEhr.Credentials.Jose;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Resolution;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Auth;

/// <summary>
/// Authenticates a request by its caller's DID: <c>Authorization: DID &lt;request proof&gt;</c> (specs/http-api.md, "Request
/// proofs"). A refusal is 401 problem details naming the failed check, with <c>WWW-Authenticate: DID</c>.
/// </summary>
internal sealed class RequestAuthenticator(DidResolver resolver, ReplayCache replays, PublicOrigin origin, RateLimits limits, TimeProvider time)
{
    /// <summary>The problem type base of refused proofs.</summary>
    public const string ProblemBase = "https://identityehr.dev/problems/auth/";

    /// <summary>Checks the request's proof against its method, URL and body.</summary>
    /// <param name="http">The request's context.</param>
    /// <param name="body">The body's bytes as read.</param>
    /// <param name="cancellationToken">Cancels resolution.</param>
    /// <returns>The caller's DID, or the problem to answer with.</returns>
    public async Task<(Did? Caller, ProblemHttpResult? Problem)> AuthenticateAsync(HttpContext http, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // Before any signature is checked or DID resolved, the client address pays: made-up DIDs cannot spend our checks.
        if (limits.TakeForAddress(http) is { } tooManyFromAddress)
        {
            return (null, tooManyFromAddress);
        }

        var header = http.Request.Headers.Authorization.ToString();
        string? compact = null;
        if (header.StartsWith(RequestProof.Scheme + " ", StringComparison.Ordinal))
        {
            compact = header[(RequestProof.Scheme.Length + 1)..].Trim();
        }

        if (origin.Of(http.Request) is not { } url)
        {
            return (null, TypedResults.Problem(
                detail: "the request's Host header does not make a URL", statusCode: StatusCodes.Status400BadRequest, title: "Bad Host", type: ProblemBase + "bad-host"));
        }

        var result = await RequestProof.VerifyAsync(compact, http.Request.Method, url, RequestProof.BodyHash(body.Span), time.GetUtcNow(), resolver, cancellationToken);
        var error = result.Error;
        if (result.Holds && !replays.TryUse(result.Id!, result.IssuedAt))
        {
            if (replays.IsFull)
            {
                http.Response.Headers.RetryAfter = "5";
                return (null, TypedResults.Problem(
                    detail: "too many requests are in flight to remember their proofs; retry later", statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Busy", type: ProblemBase + "busy"));
            }

            error = RequestProofError.Replayed;
        }

        if (error == RequestProofError.None)
        {
            return limits.TakeForDid(http, result.Caller!.ToString()) is { } tooMany ? (null, tooMany) : (result.Caller, null);
        }

        http.Response.Headers.WWWAuthenticate = RequestProof.Scheme;
        var (code, detail) = error switch
        {
            RequestProofError.Missing => ("proof-missing", "this request needs 'Authorization: DID <request proof>' signed by the caller's DID (specs/http-api.md)"),
            RequestProofError.Malformed => ("proof-malformed", "the request proof is not a compact JWS with the claims iss, htm, htu, htb, iat and jti"),
            RequestProofError.WrongType => ("proof-wrong-type", $"the request proof's typ must be {RequestProof.MediaType}"),
            RequestProofError.DidNotResolved => ("proof-did-not-resolved", "the caller's DID did not resolve, or is deactivated"),
            RequestProofError.KeyNotAuthorized => ("proof-key-not-authorized", "the proof's kid is not a key under the caller's authentication relationship"),
            RequestProofError.SignatureInvalid => ("proof-signature-invalid", "the request proof's signature does not verify"),
            RequestProofError.Expired => ("proof-expired", $"the request proof's iat is more than {RequestProof.MaxSkew.TotalSeconds} s old"),
            RequestProofError.NotYetValid => ("proof-not-yet-valid", $"the request proof's iat is more than {RequestProof.MaxSkew.TotalSeconds} s ahead of the service's clock"),
            RequestProofError.WrongRequest => ("proof-wrong-request", "the request proof's htm and htu are not this request's method and URL"),
            RequestProofError.WrongBody => ("proof-wrong-body", "the request proof's htb is not the SHA-256 of this request's body"),
            _ => ("proof-replayed", "this request proof was used before; sign a new one for every request"),
        };
        return (null, TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Request not authenticated", type: ProblemBase + code));
    }
}
