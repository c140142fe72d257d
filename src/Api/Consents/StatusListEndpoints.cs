using System.Text.Json;
using System.Text.RegularExpressions;
using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Log;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Resolution;
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
            .WithSummary("Publish (or replace) your signed BitstringStatusListCredential at this URL: its id must be this URL and its issuer the caller's DID. Needs a request proof.")
            .Produces<StatusListResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
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
        string id, HttpContext http, RequestAuthenticator authenticator, PublicOrigin origin, DidResolver resolver, AuditLogService log, TimeProvider time,
        CancellationToken cancellationToken)
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

        JsonElement credential;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            credential = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-json", "Not JSON", "the body must be a BitstringStatusListCredential as JSON");
        }

        if (!BitstringStatusList.TryRead(credential, out var list, out var error))
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "invalid-status-list", "Not a status list", $"not a BitstringStatusListCredential: {error}");
        }

        // The list's id is the URL it is read from; a verifier compares them, so a list published elsewhere would never count.
        var url = origin.Of(http.Request)?.GetLeftPart(UriPartial.Path);
        if (list.Id != url)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "wrong-id", "Wrong id", $"the credential's id must be the URL it is published at: {url}");
        }

        if (list.Issuer != caller!.ToString())
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-issuer", "Not the issuer", "only the list's issuer may publish it");
        }

        var proof = await IssuerProof.VerifyAsync(credential, resolver, cancellationToken);
        if (proof.Failure is { } failure)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "invalid-proof", "Proof does not verify", $"the list's proof does not verify by a key under its issuer's assertionMethod ({failure})");
        }

        if (!await log.Store.StatusLists.PutAsync(id, list.Issuer, body, time.GetUtcNow(), cancellationToken))
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-issuer", "Not the issuer", "another issuer published the list at this URL");
        }

        return TypedResults.Ok(new StatusListResponse(id, list.Issuer, list.Id));
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
internal sealed record StatusListResponse(string Id, string Issuer, string Url);
