using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Log;
using IdentityEhr.Api.Records;
using IdentityEhr.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Registry;

/// <summary>
/// Registration of patients and providers (issue 9): a DID registers itself, proving control with a request proof. Providers
/// store records only for registered patients; a patient lists its records here. Registration grants no access to any record:
/// reading stays consent-gated (or accredited break-glass), and every decision is in the log.
/// </summary>
internal static class RegistrationEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/registry/";

    /// <summary>A registration body is empty or <c>{}</c>; anything larger is refused.</summary>
    private const int MaxBodyBytes = 1024;

    public static IEndpointRouteBuilder MapRegistrationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Registration");
        group.MapPost("/patients", (HttpContext http, RequestAuthenticator authenticator, AuditLogService log, TimeProvider time, CancellationToken cancellationToken) =>
                RegisterAsync(RegistrationRole.Patient, http, authenticator, log, time, cancellationToken))
            .WithName("RegisterPatient")
            .WithSummary("Register your DID (the request proof's signer) as a patient, so that providers may store records for you. Idempotent. Needs a request proof.")
            .Produces<RegistrationResponse>(StatusCodes.Status201Created)
            .Produces<RegistrationResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/providers", (HttpContext http, RequestAuthenticator authenticator, AuditLogService log, TimeProvider time, CancellationToken cancellationToken) =>
                RegisterAsync(RegistrationRole.Provider, http, authenticator, log, time, cancellationToken))
            .WithName("RegisterProvider")
            .WithSummary("Register your DID (the request proof's signer) as a provider, so that it may store records for registered patients. Idempotent. Needs a request proof.")
            .Produces<RegistrationResponse>(StatusCodes.Status201Created)
            .Produces<RegistrationResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/patients/{did}/records", ListRecordsAsync)
            .WithName("ListPatientRecords")
            .WithSummary("A patient's stored record versions, metadata only (never content or keys): all of them for the patient, the ones it stored for any other caller. Needs a request proof.")
            .Produces<RecordResponse[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return routes;
    }

    private static async Task<Results<Created<RegistrationResponse>, Ok<RegistrationResponse>, ProblemHttpResult>> RegisterAsync(
        RegistrationRole role, HttpContext http, RequestAuthenticator authenticator, AuditLogService log, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, MaxBodyBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, body, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        if (!body.Span.Trim(" \t\r\n"u8).IsEmpty && !body.Span.Trim(" \t\r\n"u8).SequenceEqual("{}"u8))
        {
            return ApiProblems.Of(ProblemBase, StatusCodes.Status400BadRequest, "bad-body", "Unexpected body", "a registration has no body (or {}): the request proof says who registers");
        }

        var (at, isNew) = await log.Store.Registry.RegisterAsync(caller!.ToString(), role, time.GetUtcNow(), cancellationToken);
        var response = new RegistrationResponse(caller.ToString(), RegistryStore.Name(role), at);
        return isNew ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<RecordResponse[]>, ProblemHttpResult>> ListRecordsAsync(
        string did, HttpContext http, RequestAuthenticator authenticator, VaultService vault, CancellationToken cancellationToken)
    {
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        var records = did.Length > 512 ? [] : await vault.Vault.ListAsync(did, cancellationToken);
        var callerDid = caller!.ToString();
        return TypedResults.Ok(records.Where(r => callerDid == did || r.Author == callerDid).Select(RecordResponse.From).ToArray());
    }
}

/// <summary>A registration.</summary>
/// <param name="Did">The registered DID.</param>
/// <param name="Role"><c>patient</c> or <c>provider</c>.</param>
/// <param name="RegisteredAt">When it was first registered in that role.</param>
internal sealed record RegistrationResponse(string Did, string Role, DateTimeOffset RegisteredAt);
