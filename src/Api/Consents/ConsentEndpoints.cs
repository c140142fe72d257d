using System.Text;
using System.Text.Json;
using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Log;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Consents;

/// <summary>
/// Consents registered with the service (issue 9): a patient registers the consent credential it signed (event
/// <c>ConsentRegistered</c>), lists its consents, and revokes one by publishing its status list with the consent's bit set
/// (event <c>ConsentRevoked</c>). Access itself never needs registration: the verifier checks the presented consent; registering
/// it lets the patient see and revoke it here.
/// </summary>
internal static class ConsentEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/consents/";

    /// <summary>The largest consent credential accepted.</summary>
    public const int MaxCredentialBytes = 64 * 1024;

    private static readonly System.Buffers.SearchValues<byte> s_compactCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."u8);

    /// <summary>The event stream of one consent: its registration and its revocation.</summary>
    public static string Stream(string consent) => "consent:" + consent;

    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/consents", RegisterAsync)
            .WithTags("Consents")
            .WithName("RegisterConsent")
            .WithSummary("Register a ConsentCredential you (the patient, its issuer) signed: Data Integrity JSON, or a vc+jwt. Its status list must be hosted here. Needs a request proof by the patient.")
            .Produces<ConsentResponse>(StatusCodes.Status201Created)
            .Produces<ConsentResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        routes.MapPost("/consents/{consentId}/revocation", RevokeAsync)
            .WithTags("Consents")
            .WithName("RevokeConsent")
            .WithSummary("Revoke a registered consent: the body is your status list, re-signed with the consent's bit set (as 'ehr consent revoke' makes it); it replaces the published list. Only the patient (a key of the patient's DID, which includes its delegates) may. Needs a request proof.")
            .Produces<RevocationResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        routes.MapGet("/patients/{did}/consents", ListAsync)
            .WithTags("Consents")
            .WithName("ListConsents")
            .WithSummary("A patient's registered consents with their state (active, revoked, expired, not yet valid). Only the patient may read them. Needs a request proof.")
            .Produces<ConsentResponse[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<Results<Created<ConsentResponse>, Ok<ConsentResponse>, ProblemHttpResult>> RegisterAsync(
        HttpContext http, RequestAuthenticator authenticator, DidResolver resolver, AuditLogService log, HostedStatusLists lists, TimeProvider time,
        CancellationToken cancellationToken)
    {
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

        var (consent, check, refused) = await ReadConsentAsync(body, resolver, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (!consent!.Patient.Equals(caller))
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-patient", "Not your consent", "only the patient who issued a consent may register it");
        }

        var store = log.Store;
        if (await store.Registry.FindAsync(caller!.ToString(), RegistrationRole.Patient, cancellationToken) is null)
        {
            return Problem(StatusCodes.Status403Forbidden, "patient-not-registered", "Patient not registered", "register as a patient first (POST /patients)");
        }

        var id = consent.Credential.Id;
        var now = time.GetUtcNow();
        var probe = new AuditEntry { Type = AuditEventType.ConsentRegistered, Id = Guid.Empty, Time = AuditEntry.EntryTime(now), Actor = caller.ToString(), Consent = id };
        // The id goes into a path (revocation), a stream name and audit entries: no characters a path would split or escape.
        if (id is null || probe.Validate(out _) != AuditEntryError.None || id.AsSpan().IndexOfAny("/?#%") >= 0)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "bad-consent-id", "Unusable id",
                "a registered consent needs an id of at most 256 characters without spaces, controls, '/', '?', '#' or '%' (a urn:uuid:, say)");
        }

        // Its revocation entry must be a bit of the patient's own revocation list hosted here, so that revoking it works and a
        // consent cannot attach itself to another patient's list.
        var listUrl = consent.Revocation.StatusListCredential;
        if (!HostedStatusLists.TryGetListId(listUrl, out _) || await lists.FetchAsync(listUrl, cancellationToken) is not { } listBytes)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "status-list-not-hosted", "Status list not hosted",
                "the consent's status list must be published here first (PUT /status-lists/{id}), so that revoking it works");
        }

        using (var listDocument = JsonDocument.Parse(listBytes))
        {
            if (!BitstringStatusList.TryRead(listDocument.RootElement, out var list, out _) || list.Id != listUrl || list.Issuer != consent.Patient.ToString()
                || list.TryGetStatus(consent.Revocation, out _) != StatusListError.None || consent.Revocation.StatusListIndex > int.MaxValue)
            {
                return Problem(StatusCodes.Status422UnprocessableEntity, "status-entry-unusable", "Revocation entry unusable",
                    "the consent's revocation entry must be an index inside the patient's own revocation list published at that URL");
            }
        }

        var record = new ConsentRecord(id, consent.Patient.ToString(), consent.Grantee.ToString(), listUrl, (int)consent.Revocation.StatusListIndex, body);
        if (!await store.Consents.PutAsync(record, now, cancellationToken))
        {
            return Problem(StatusCodes.Status409Conflict, "consent-id-taken", "Id taken", "another patient registered a consent with this id");
        }

        // The first credential kept under an id is the one registered; another credential under the same id is refused.
        var kept = await store.Consents.FindAsync(id, cancellationToken);
        if (!kept!.Record.Credential.Span.SequenceEqual(body.Span))
        {
            return Problem(StatusCodes.Status409Conflict, "consent-id-taken", "Id taken", "another credential was registered with this id; give a new consent a new id");
        }

        if (kept.RegisteredPosition is not null)
        {
            return TypedResults.Ok(await ResponseAsync(kept, store, time, cancellationToken));
        }

        var entry = new AuditEntry
        {
            Type = AuditEventType.ConsentRegistered,
            Id = Guid.CreateVersion7(now),
            Time = AuditEntry.EntryTime(now),
            Actor = caller.ToString(),
            Subject = consent.Patient.ToString(),
            Consent = id,
            Evidence = new AuditEvidence(Credential: check!.Hash, Issuer: caller.ToString(), IssuerVersion: check.SignerVersion),
        };
        try
        {
            await store.AppendAsync(Stream(id), ExpectedVersion.NoStream, [entry], cancellationToken);
        }
        catch (StreamVersionConflictException)
        {
            // Registered by a concurrent request: the first event stands.
        }

        var registered = await store.Consents.FindAsync(id, cancellationToken);
        return TypedResults.Created((string?)null, await ResponseAsync(registered!, store, time, cancellationToken));
    }

    private static async Task<Results<Ok<RevocationResponse>, ProblemHttpResult>> RevokeAsync(
        string consentId, HttpContext http, RequestAuthenticator authenticator, AuditLogService log, StatusListPublisher publisher, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, StatusListEndpoints.MaxCredentialBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, body, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        var store = log.Store;
        if (consentId.Length > 256 || await store.Consents.FindAsync(consentId, cancellationToken) is not { RegisteredPosition: not null } consent)
        {
            return Problem(StatusCodes.Status404NotFound, "not-found", "No such consent", "no registered consent has this id");
        }

        // The patient's DID document lists its delegates' keys under authentication, so a delegate signs as the patient.
        if (consent.Record.Patient != caller!.ToString())
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-patient", "Not your consent", "only the consent's patient (or a delegate signing for the patient's DID) may revoke it");
        }

        if (consent.IsRevoked)
        {
            var state = await store.Projections.ConsentAsync(consentId, cancellationToken);
            return TypedResults.Ok(new RevocationResponse(consentId, null, state?.RevokedPosition));
        }

        var url = consent.Record.StatusList;
        HostedStatusLists.TryGetListId(url, out var listId);
        var (_, revoked, problem) = await publisher.PublishAsync(listId, body, caller, url, cancellationToken, mustRevoke: consent.Record.StatusIndex);
        if (problem is not null)
        {
            return problem;
        }

        // Revoked by a concurrent publication of the same list: its event stands.
        return revoked.FirstOrDefault(r => r.Consent == consentId) is { } revocation
            ? TypedResults.Ok(new RevocationResponse(consentId, revocation.Event, null))
            : TypedResults.Ok(new RevocationResponse(consentId, null, (await store.Projections.ConsentAsync(consentId, cancellationToken))?.RevokedPosition));
    }

    private static async Task<Results<Ok<ConsentResponse[]>, ProblemHttpResult>> ListAsync(
        string did, HttpContext http, RequestAuthenticator authenticator, AuditLogService log, TimeProvider time, CancellationToken cancellationToken)
    {
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        if (caller!.ToString() != did)
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-patient", "Not your consents", "only the patient may list their consents");
        }

        var store = log.Store;
        var consents = await store.Consents.ListAsync(did, cancellationToken);
        var responses = new List<ConsentResponse>(consents.Count);
        foreach (var consent in consents)
        {
            responses.Add(await ResponseAsync(consent, store, time, cancellationToken));
        }

        return TypedResults.Ok(responses.ToArray());
    }

    /// <summary>Reads and checks a consent credential: its shape, then its proof by the issuer's assertionMethod key.</summary>
    private static async Task<(ConsentCredential? Consent, IssuerProofCheck? Check, ProblemHttpResult? Problem)> ReadConsentAsync(
        ReadOnlyMemory<byte> body, DidResolver resolver, CancellationToken cancellationToken)
    {
        IssuerProofCheck check;
        var trimmed = body.Span.Trim(" \t\r\n"u8);
        if (trimmed.Length > 0 && trimmed[0] == (byte)'{')
        {
            JsonElement json;
            try
            {
                using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return (null, null, Problem(StatusCodes.Status400BadRequest, "bad-json", "Not JSON", "the body must be a ConsentCredential (JSON with a Data Integrity proof, or a vc+jwt)"));
            }

            if (!VerifiableCredential.TryRead(json, out var model, out var modelError))
            {
                return (null, null, Problem(StatusCodes.Status422UnprocessableEntity, "invalid-consent", "Not a consent", $"not a verifiable credential: {modelError}"));
            }

            if (!ConsentCredential.TryRead(model, out _, out var shapeError))
            {
                return (null, null, Problem(StatusCodes.Status422UnprocessableEntity, "invalid-consent", "Not a consent", ConsentCredential.Describe(shapeError)));
            }

            check = await IssuerProof.VerifyAsync(json, resolver, cancellationToken);
        }
        else if (trimmed.Length > 0 && trimmed.IndexOfAnyExcept(s_compactCharacters) < 0)
        {
            check = await IssuerProof.VerifyAsync(Encoding.ASCII.GetString(trimmed), resolver, cancellationToken);
        }
        else
        {
            return (null, null, Problem(StatusCodes.Status400BadRequest, "bad-json", "Not a credential", "the body must be a ConsentCredential (a JSON object with a Data Integrity proof, or a vc+jwt)"));
        }

        if (check.Failure is { } failure)
        {
            return (null, null, Problem(StatusCodes.Status422UnprocessableEntity, "invalid-proof", "Proof does not verify",
                $"the consent's proof does not verify by a key under its issuer's assertionMethod ({failure})"));
        }

        return ConsentCredential.TryRead(check.Credential!, out var consent, out var error)
            ? (consent, check, null)
            : (null, null, Problem(StatusCodes.Status422UnprocessableEntity, "invalid-consent", "Not a consent", ConsentCredential.Describe(error)));
    }

    private static async Task<ConsentResponse> ResponseAsync(RegisteredConsent consent, EventStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (purposes, types, ids, from, until) = Summary(consent.Record.Credential);
        var now = time.GetUtcNow();
        var state = consent.IsRevoked ? "revoked" : until is { } u && now > u ? "expired" : from is { } f && now < f ? "not-yet-valid" : "active";
        var registered = await EventIdAsync(store, consent.Record.Consent, AuditEventType.ConsentRegistered, cancellationToken);
        var revoked = consent.IsRevoked ? await EventIdAsync(store, consent.Record.Consent, AuditEventType.ConsentRevoked, cancellationToken) : null;
        return new ConsentResponse(
            consent.Record.Consent, consent.Record.Patient, consent.Record.Grantee, state, purposes, types, ids, from, until, consent.Record.StatusList,
            consent.Record.StatusIndex, registered, revoked);
    }

    private static async Task<Guid?> EventIdAsync(EventStore store, string consent, AuditEventType type, CancellationToken cancellationToken)
    {
        await foreach (var recorded in store.ReadStreamAsync(Stream(consent), 1, ReadDirection.Forward, 16, cancellationToken))
        {
            if (recorded.Entry.Type == type)
            {
                return recorded.Entry.Id;
            }
        }

        return null;
    }

    /// <summary>What a stored consent says (it was checked when registered), read from its bytes.</summary>
    private static (string[] Purposes, string[] RecordTypes, string[] RecordIds, DateTimeOffset? From, DateTimeOffset? Until) Summary(ReadOnlyMemory<byte> credential)
    {
        var trimmed = credential.Span.Trim(" \t\r\n"u8);
        JsonElement json;
        if (trimmed.Length > 0 && trimmed[0] == (byte)'{')
        {
            using var document = JsonDocument.Parse(credential);
            json = document.RootElement.Clone();
        }
        else if (Credentials.Jose.CompactJws.TryDecode(Encoding.ASCII.GetString(trimmed), out var jws, out _))
        {
            using var document = JsonDocument.Parse(jws.Payload);
            json = document.RootElement.TryGetProperty("vc", out var vc) ? vc.Clone() : document.RootElement.Clone();
        }
        else
        {
            return ([], [], [], null, null);
        }

        if (!VerifiableCredential.TryRead(json, out var model, out _) || !ConsentCredential.TryRead(model, out var consent, out _))
        {
            return ([], [], [], null, null);
        }

        return ([.. consent.PurposesOfUse], [.. consent.Scope.RecordTypes], [.. consent.Scope.RecordIds], model.ValidFrom, model.ValidUntil);
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) => ApiProblems.Of(ProblemBase, status, type, title, detail);
}

/// <summary>A registered consent, as its patient sees it.</summary>
internal sealed record ConsentResponse(
    string Consent, string Patient, string Grantee, string State, string[] PurposeOfUse, string[] RecordTypes, string[] RecordIds,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, string StatusList, int StatusIndex, Guid? RegisteredEvent, Guid? RevokedEvent);

/// <summary>A revocation: the <c>ConsentRevoked</c> event (null when it was revoked before, at <paramref name="RevokedPosition"/>).</summary>
internal sealed record RevocationResponse(string Consent, Guid? Event, long? RevokedPosition);
