using System.Text.Json;
using IdentityEhr.Api.Auth;
using IdentityEhr.Fhir;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Vault;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Records;

/// <summary>
/// Storing and erasing records (issue 8): FHIR R4 JSON validated, then encrypted into the vault. Every call is authenticated by
/// a request proof of the caller's DID. Reading a record is the consent flow (issue 9).
/// </summary>
internal static class RecordEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/records/";

    public static IEndpointRouteBuilder MapRecordEndpoints(this IEndpointRouteBuilder routes)
    {
        var records = routes.MapGroup("/records").WithTags("Records");
        records.MapPost("/", StoreAsync)
            .WithName("StoreRecord")
            .WithQuery("patient", "The patient's DID (registered with the service).", required: true)
            .WithSummary("Store a FHIR R4 resource or Bundle (body: application/fhir+json) for a registered patient (?patient=<DID>); the caller's DID — a registered provider, or the patient — is the author. Needs a request proof.")
            .Produces<RecordResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        records.MapPut("/{recordId}", StoreVersionAsync)
            .WithName("StoreRecordVersion")
            .WithSummary("Store a new version of a record (same patient, same resource type), as its patient or the provider who stored it first. Needs a request proof.")
            .Produces<RecordResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        records.MapDelete("/{recordId}", EraseAsync)
            .WithName("EraseRecord")
            .WithSummary("Erase a record (crypto-shredding: its keys and ciphertexts are destroyed). Only its patient may. Needs a request proof.")
            .Produces<ErasureResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        records.MapGet("/{recordId}", GetAsync)
            .WithName("GetRecord")
            .WithQuery("version", "The version (default: the latest).", integer: true)
            .WithSummary("A stored record version's metadata (?version=, default the latest; never content or keys). Only the patient or that version's author may read it. Needs a request proof.")
            .Produces<RecordResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        records.MapGet("/{recordId}/provenance", ProvenanceAsync)
            .WithName("GetRecordProvenance")
            .WithQuery("version", "The version (default: the latest).", integer: true)
            .WithSummary("The FHIR R4 Provenance of a stored record version (?version=, default the latest): who stored it for whom, when, as which ciphertext. Only the patient or that version's author may read it. Needs a request proof.")
            .Produces(StatusCodes.Status200OK, contentType: "application/fhir+json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        routes.MapDelete("/patients/{did}/records", ErasePatientAsync)
            .WithTags("Records")
            .WithName("ErasePatientRecords")
            .WithSummary("Erase every record of a patient (GDPR Art. 17). Only the patient may. Needs a request proof.")
            .Produces<ErasureResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<Results<Created<RecordResponse>, ProblemHttpResult>> StoreAsync(
        HttpContext http, RequestAuthenticator authenticator, FhirValidator validator, VaultService vault, BodyBudget budget, CancellationToken cancellationToken)
    {
        var text = http.Request.Query["patient"].ToString();
        if (!Did.TryParse(text, out var patient, out _) || text.Length > 512)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-patient", "No patient", "?patient= must name the patient's DID (at most 512 characters)");
        }

        return await StoreBodyAsync(http, authenticator, validator, vault, budget, async (caller, ct) =>
        {
            // A provider stores for registered patients only; a patient may store for itself. Every store is in the patient's history.
            var registry = vault.Store.Registry;
            if (await registry.FindAsync(patient.ToString(), RegistrationRole.Patient, ct) is null)
            {
                return (null, Problem(StatusCodes.Status403Forbidden, "patient-not-registered", "Patient not registered", "records are stored only for patients registered with the service (POST /patients)"));
            }

            return caller == patient.ToString() || await registry.FindAsync(caller, RegistrationRole.Provider, ct) is not null
                ? (patient.ToString(), null)
                : (null, Problem(StatusCodes.Status403Forbidden, "not-a-provider", "Not a provider", "only registered providers (POST /providers) store records for a patient"));
        }, recordId: null, cancellationToken);
    }

    private static async Task<Results<Created<RecordResponse>, ProblemHttpResult>> StoreVersionAsync(
        string recordId, HttpContext http, RequestAuthenticator authenticator, FhirValidator validator, VaultService vault, BodyBudget budget,
        CancellationToken cancellationToken) =>
        await StoreBodyAsync(http, authenticator, validator, vault, budget, async (caller, ct) =>
        {
            // A new version may come from the record's patient or from the provider who stored its first version; anyone else
            // could otherwise put words in a patient's record, since record ids and patient DIDs are public in the log.
            try
            {
                var first = await vault.Vault.FindAsync(recordId, 1, ct);
                return caller == first.Patient || caller == first.Author
                    ? (first.Patient, null)
                    : (null, Problem(StatusCodes.Status403Forbidden, "not-allowed", "Not yours", "only the record's patient or the provider who stored it first may add a version"));
            }
            catch (RecordVaultException e)
            {
                return (null, Refused(e));
            }
        }, recordId, cancellationToken);

    /// <summary>Reads and authenticates the body, lets <paramref name="authorize"/> say whose record it is, validates the FHIR, stores it.</summary>
    private static async Task<Results<Created<RecordResponse>, ProblemHttpResult>> StoreBodyAsync(
        HttpContext http, RequestAuthenticator authenticator, FhirValidator validator, VaultService vault, BodyBudget budget,
        Func<string, CancellationToken, Task<(string? Patient, ProblemHttpResult? Problem)>> authorize, string? recordId, CancellationToken cancellationToken)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/fhir+json" or "application/json"))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Not FHIR JSON", "send the record as application/fhir+json (FHIR R4 JSON)");
        }

        // At most a record's size: a longer declared length is refused as too large below, not as a budget the request alone exceeds.
        using var lease = budget.TryTake(Math.Min(http.Request.ContentLength ?? RecordVault.MaxRecordBytes, RecordVault.MaxRecordBytes));
        if (lease is null)
        {
            http.Response.Headers.RetryAfter = "1";
            return Problem(StatusCodes.Status503ServiceUnavailable, "busy", "Busy", "too many large records are being stored right now; retry shortly");
        }

        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, RecordVault.MaxRecordBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, body, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        var (patient, refused) = await authorize(caller!.ToString(), cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var validation = validator.Validate(body.Span);
        if (!validation.IsValid)
        {
            // The OperationOutcome names each problem's element path; it never repeats the submitted values.
            using var outcome = JsonDocument.Parse(validation.ToOperationOutcome());
            return ApiProblems.Of(
                ProblemBase, StatusCodes.Status422UnprocessableEntity, "invalid-fhir", "Invalid FHIR resource",
                $"the resource is not valid FHIR R4: {validation.Issues.Count} issue(s), listed in operationOutcome",
                new Dictionary<string, object?> { ["operationOutcome"] = outcome.RootElement.Clone() });
        }

        try
        {
            var stored = await vault.Vault.PutAsync(
                new RecordSubmission(patient!, caller.ToString(), validation.ResourceType!, body) { RecordId = recordId }, cancellationToken);
            return TypedResults.Created($"/records/{stored.RecordId}", RecordResponse.From(stored));
        }
        catch (RecordVaultException e)
        {
            return Refused(e);
        }
    }

    private static async Task<Results<Ok<RecordResponse>, ProblemHttpResult>> GetAsync(
        string recordId, HttpContext http, RequestAuthenticator authenticator, VaultService vault, CancellationToken cancellationToken)
    {
        var (stored, problem) = await ReadOwnVersionAsync(recordId, http, authenticator, vault, "its metadata", cancellationToken);
        return problem ?? (Results<Ok<RecordResponse>, ProblemHttpResult>)TypedResults.Ok(RecordResponse.From(stored!));
    }

    /// <summary>A read of one version by its patient or its author: authenticates, parses <c>?version=</c>, reads, authorizes.</summary>
    private static async Task<(StoredRecord? Stored, ProblemHttpResult? Problem)> ReadOwnVersionAsync(
        string recordId, HttpContext http, RequestAuthenticator authenticator, VaultService vault, string what, CancellationToken cancellationToken)
    {
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (unauthenticated is not null)
        {
            return (null, unauthenticated);
        }

        var (version, badVersion) = Version(http);
        if (badVersion is not null)
        {
            return (null, badVersion);
        }

        try
        {
            var stored = await vault.Vault.FindAsync(recordId, version, cancellationToken);
            return caller!.ToString() == stored.Patient || caller.ToString() == stored.Author
                ? (stored, null)
                : (null, Problem(StatusCodes.Status403Forbidden, "not-allowed", "Not yours", $"only the record's patient or this version's author may read {what}"));
        }
        catch (RecordVaultException e)
        {
            return (null, Refused(e));
        }
    }

    /// <summary>The <c>?version=</c> of a read: absent (the latest) or a positive whole number.</summary>
    private static (int? Version, ProblemHttpResult? Problem) Version(HttpContext http)
    {
        if (http.Request.Query["version"].ToString() is not { Length: > 0 } text)
        {
            return (null, null);
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1
            ? (number, null)
            : (null, Problem(StatusCodes.Status400BadRequest, "bad-version", "Not a version", "?version= must be a positive whole number"));
    }

    private static async Task<Results<Ok<ErasureResponse>, ProblemHttpResult>> EraseAsync(
        string recordId, HttpContext http, RequestAuthenticator authenticator, VaultService vault, CancellationToken cancellationToken)
    {
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        try
        {
            var record = await vault.Vault.FindAsync(recordId, cancellationToken: cancellationToken);
            if (record.Patient != caller!.ToString())
            {
                return Problem(StatusCodes.Status403Forbidden, "not-the-patient", "Not the patient", "only the record's patient may erase it");
            }

            return TypedResults.Ok(Erasure(await vault.Vault.EraseAsync(recordId, caller.ToString(), cancellationToken)));
        }
        catch (RecordVaultException e)
        {
            return Refused(e);
        }
    }

    private static async Task<Results<Ok<ErasureResponse>, ProblemHttpResult>> ErasePatientAsync(
        string did, HttpContext http, RequestAuthenticator authenticator, VaultService vault, CancellationToken cancellationToken)
    {
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        if (!Did.TryParse(did, out var patient, out _) || patient.ToString() != caller!.ToString())
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-patient", "Not the patient", "only the patient may erase their records");
        }

        return TypedResults.Ok(Erasure(await vault.Vault.ErasePatientAsync(patient.ToString(), caller.ToString(), cancellationToken)));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ProvenanceAsync(
        string recordId, HttpContext http, RequestAuthenticator authenticator, VaultService vault, CancellationToken cancellationToken)
    {
        var (stored, problem) = await ReadOwnVersionAsync(recordId, http, authenticator, vault, "its provenance", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var provenance = IdentityEhr.Fhir.Views.ProvenanceView.Create(new IdentityEhr.Fhir.Views.StoredRecordFacts(
            stored!.RecordId, stored.Version, stored.ResourceType, stored.Patient, stored.Author, stored.StoredAt, stored.ContentId, stored.EventId));
        return TypedResults.File(provenance, "application/fhir+json");
    }

    private static ErasureResponse Erasure(ErasureResult result) =>
        new([.. result.Records.Select(r => new ErasedRecordResponse(r.RecordId, r.EventId, r.Position, $"/log/receipts/{r.EventId}"))], result.Versions);

    private static ProblemHttpResult Refused(RecordVaultException e)
    {
        var (status, code, title) = e.Error switch
        {
            VaultError.NotFound => (StatusCodes.Status404NotFound, "not-found", "No such record"),
            VaultError.Erased => (StatusCodes.Status410Gone, "erased", "Record erased"),
            VaultError.PatientMismatch => (StatusCodes.Status409Conflict, "patient-mismatch", "Another patient's record"),
            VaultError.ResourceTypeMismatch => (StatusCodes.Status409Conflict, "resource-type-mismatch", "Another resource type"),
            VaultError.VersionConflict => (StatusCodes.Status409Conflict, "version-conflict", "Changed meanwhile"),
            VaultError.InvalidSize => (StatusCodes.Status413PayloadTooLarge, "invalid-size", "Record empty or too large"),
            _ => (StatusCodes.Status500InternalServerError, "vault-integrity", "Stored record unreadable"),
        };
        return Problem(status, code, title, e.Message);
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) => ApiProblems.Of(ProblemBase, status, type, title, detail);
}
