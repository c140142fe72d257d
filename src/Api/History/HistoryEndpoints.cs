using System.Globalization;
using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Log;
using IdentityEhr.Fhir.Views;
using IdentityEhr.Storage.Events;
using IdentityEhr.Storage.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.History;

/// <summary>
/// A patient's access history (issue 9): who read, stored, was refused, broke the glass or erased what, when and why — as JSON
/// with each event's receipt address, or as a FHIR R4 <c>AuditEvent</c> searchset Bundle (IHE BALP). Only the patient reads it.
/// It is the asynchronous projection of the log, so the newest events may lag by a moment (<c>projectedThrough</c> says how far).
/// </summary>
internal static class HistoryEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/history/";
    public const string FhirMediaType = "application/fhir+json";

    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/patients/{did}/history", HistoryAsync)
            .WithTags("History")
            .WithName("PatientHistory")
            .WithQuery("limit", "How many events, 1 to 1000 (default 100).", integer: true)
            .WithQuery("before", "Only events before this log position (the previous page's 'before').", integer: true)
            .WithQuery("format", "'json' (default) or 'fhir' (a FHIR R4 AuditEvent Bundle; also by Accept: application/fhir+json).")
            .WithSummary("Your access history, newest first (?limit= 1..1000, default 100; ?before=<position> for the next page; ?format=fhir or Accept: application/fhir+json for a FHIR AuditEvent Bundle). Only the patient may read it. Needs a request proof.")
            .Produces<HistoryResponse>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, contentType: FhirMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<Results<Ok<HistoryResponse>, FileContentHttpResult, ProblemHttpResult>> HistoryAsync(
        string did, HttpContext http, RequestAuthenticator authenticator, AuditLogService log, AuditLogOptions logOptions, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(http, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (unauthenticated is not null)
        {
            return unauthenticated;
        }

        // The caller's own history only: a key under the patient's authentication (the patient or a delegate) signs as the patient.
        if (caller!.ToString() != did)
        {
            return Problem(StatusCodes.Status403Forbidden, "not-the-patient", "Not your history", "a patient's access history is read by that patient only");
        }

        var query = http.Request.Query;
        var limit = 100;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > ProjectionReader.MaxHistoryItems))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"?limit= must be a whole number from 1 to {ProjectionReader.MaxHistoryItems}");
        }

        var before = long.MaxValue;
        if (query.TryGetValue("before", out var beforeText) && (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out before) || before < 0))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-before", "Bad position", "?before= must be a log position (a whole number)");
        }

        var fhir = query["format"].ToString() switch
        {
            "" => http.Request.Headers.Accept.ToString().Contains(FhirMediaType, StringComparison.OrdinalIgnoreCase),
            "fhir" => true,
            "json" => false,
            _ => (bool?)null,
        };
        if (fhir is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-format", "Bad format", "?format= is 'json' or 'fhir'");
        }

        var store = log.Store;
        var items = await store.Projections.AccessHistoryAsync(did, before, limit, cancellationToken);
        if (fhir.Value)
        {
            // The AuditEvents are written from the entries themselves, read back from the log by position.
            var view = new AuditEventView("https://" + logOptions.Origin);
            var events = new List<byte[]>(items.Count);
            foreach (var item in items)
            {
                await foreach (var recorded in store.ReadAllAsync(item.Position, ReadDirection.Forward, 1, cancellationToken))
                {
                    events.Add(view.Create(recorded.Entry));
                }
            }

            var bundle = AuditEventBundle.Create(AuditBundleType.Searchset, Guid.CreateVersion7(time.GetUtcNow()), time.GetUtcNow(), events);
            return TypedResults.File(bundle, FhirMediaType);
        }

        var through = await store.Projections.PositionAsync(AccessHistoryProjector.Name, cancellationToken);
        var next = items.Count == limit ? items[^1].Position : (long?)null;
        return TypedResults.Ok(new HistoryResponse(did, through, next, [.. items.Select(HistoryItem.From)]));
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) => ApiProblems.Of(ProblemBase, status, type, title, detail);
}

/// <summary>A page of a patient's history.</summary>
/// <param name="Patient">The patient's DID.</param>
/// <param name="ProjectedThrough">The last log position the history has taken in (−1 before any).</param>
/// <param name="Before">When more is older: pass it as <c>?before=</c> for the next page.</param>
/// <param name="Items">The events, newest first.</param>
internal sealed record HistoryResponse(string Patient, long ProjectedThrough, long? Before, HistoryItem[] Items);

/// <summary>One event of a patient's history; its receipt proves it is in the log.</summary>
internal sealed record HistoryItem(long Position, Guid Event, string Type, string Actor, string? Record, string? Purpose, string? Reason, DateTimeOffset Time, string Receipt)
{
    public static HistoryItem From(AccessHistoryItem item) =>
        new(item.Position, item.EventId, item.Type, item.Actor, item.Record, item.Purpose, item.Reason, item.Time, $"/log/receipts/{item.EventId}");
}
