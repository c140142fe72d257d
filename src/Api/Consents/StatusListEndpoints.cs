using System.Text.RegularExpressions;
using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Log;
using IdentityEhr.Credentials.Status;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Consents;

/// <summary>
/// Bitstring Status List credentials hosted by the service (issue 9, first part): an issuer (a patient's wallet) publishes its
/// signed revocation list at <c>/status-lists/{id}</c>, and anyone reads it there. The verifier reads lists from here only.
/// </summary>
internal static partial class StatusListEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/status-lists/";

    /// <summary>The largest list credential accepted: the largest encoded bitstring and room for the rest.</summary>
    public const int MaxCredentialBytes = Bitstring.MaxEncodedLength + (64 * 1024);

    public static IEndpointRouteBuilder MapStatusListEndpoints(this IEndpointRouteBuilder routes)
    {
        var lists = routes.MapGroup("/status-lists").WithTags("Status lists");
        lists.MapPut("/{id}", PublishAsync)
            .WithName("PublishStatusList")
            .WithSummary("Publish (or replace) your signed BitstringStatusListCredential at this URL: its id must be this URL and its issuer the caller's DID. A replacement may set revocation bits, never clear them; each registered consent it revokes gets a ConsentRevoked event. Needs a request proof.")
            .Produces<StatusListResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        lists.MapGet("/{id}", GetAsync)
            .WithName("GetStatusList")
            .WithSummary("A hosted BitstringStatusListCredential, as its issuer signed it.")
            .Produces(StatusCodes.Status200OK, contentType: "application/vc")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ListId();

    private static async Task<Results<Ok<StatusListResponse>, ProblemHttpResult>> PublishAsync(
        string id, HttpContext http, RequestAuthenticator authenticator, PublicOrigin origin, StatusListPublisher publisher, CancellationToken cancellationToken)
    {
        if (!ListId().IsMatch(id))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-id", "Not a list id", "a status list id is 1 to 128 letters, digits, '.', '_' or '-'");
        }

        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, MaxCredentialBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, body, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        var url = origin.Of(http.Request)?.GetLeftPart(UriPartial.Path) ?? "";
        var (published, revoked, problem) = await publisher.PublishAsync(id, body, caller!, url, cancellationToken);
        return problem ?? (Results<Ok<StatusListResponse>, ProblemHttpResult>)TypedResults.Ok(published! with { Revoked = revoked });
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(string id, AuditLogService log, HttpContext http, CancellationToken cancellationToken)
    {
        if (!ListId().IsMatch(id) || await log.Store.StatusLists.GetAsync(id, cancellationToken) is not { } credential)
        {
            return Problem(StatusCodes.Status404NotFound, "not-found", "No such list", "no status list is published at this URL");
        }

        // Short caching: a revocation must reach verifiers within a minute.
        http.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.File(credential, "application/vc");
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) => ApiProblems.Of(ProblemBase, status, type, title, detail);
}

/// <summary>A published status list.</summary>
/// <param name="Id">Its id at this service.</param>
/// <param name="Issuer">Its issuer's DID.</param>
/// <param name="Url">Its URL (the credential's id).</param>
internal sealed record StatusListResponse(string Id, string Issuer, string Url)
{
    /// <summary>Gets the registered consents this publication revoked, with their <c>ConsentRevoked</c> events.</summary>
    public IReadOnlyList<Revocation> Revoked { get; init; } = [];
}
