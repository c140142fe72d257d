using System.Globalization;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Log;

/// <summary>
/// The audit log's read API: C2SP tlog-tiles resources (<c>/log/checkpoint</c>, <c>/log/tile/…</c>), proofs and receipts.
/// Read-only and cacheable: a tile at a given width never changes, so tiles are served as immutable.
/// </summary>
internal static class LogEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/log/";
    private const string Immutable = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapLogEndpoints(this IEndpointRouteBuilder routes)
    {
        var log = routes.MapGroup("/log").WithTags("Audit log");
        log.MapGet("/checkpoint", CheckpointAsync)
            .WithName("GetCheckpoint")
            .WithSummary("The latest signed checkpoint (C2SP tlog-checkpoint signed note).")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain");
        log.MapGet("/key", (AuditLogOptions options) => TypedResults.Text(options.Signer.VerifierKey + "\n", "text/plain", System.Text.Encoding.UTF8))
            .WithName("GetLogKey")
            .WithSummary("The note verifier key that signs checkpoints (C2SP signed-note vkey). Auditors should also obtain it out of band.")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain");
        log.MapGet("/tile/{**path}", TileAsync)
            .WithName("GetTile")
            .WithSummary("A hash tile tile/<L>/<N>[.p/<W>] or an entry bundle tile/entries/<N>[.p/<W>] (C2SP tlog-tiles).")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        log.MapGet("/proof/inclusion", InclusionAsync)
            .WithName("GetInclusionProof")
            .WithQuery("index", "The leaf index.", required: true, integer: true)
            .WithQuery("size", "The tree size (default: the latest checkpoint's).", integer: true)
            .WithSummary("The RFC 9162 inclusion proof of leaf 'index' in the tree of 'size' (default: the latest checkpoint's size).")
            .Produces<ProofResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        log.MapGet("/proof/consistency", ConsistencyAsync)
            .WithName("GetConsistencyProof")
            .WithQuery("old", "The older tree size.", required: true, integer: true)
            .WithQuery("new", "The newer tree size (default: the latest checkpoint's).", integer: true)
            .WithSummary("The RFC 9162 consistency proof from tree size 'old' to 'new' (default: the latest checkpoint's size).")
            .Produces<ProofResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        log.MapGet("/receipts/{eventId}", ReceiptAsync)
            .WithName("GetReceipt")
            .WithSummary("The receipt of an event: its entry, leaf index, inclusion proof and signed checkpoint, extended with the anchor once one covers it (specs/receipt.md).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        log.MapGet("/anchors", AnchorsAsync)
            .WithName("GetAnchors")
            .WithQuery("limit", "How many, newest first, 1 to 1000 (default 50).", integer: true)
            .WithSummary("The anchor transactions, newest first ('limit', 1 to 1000, default 50): status, tree size, block and gas used.")
            .Produces<IReadOnlyList<AnchorResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CheckpointAsync(HttpContext http, AuditLogService log, CancellationToken cancellationToken)
    {
        var checkpoint = await log.Store.Log.LatestCheckpointAsync(cancellationToken);
        if (checkpoint is null)
        {
            return Problem(StatusCodes.Status404NotFound, "no-checkpoint", "No checkpoint yet", "the log has not signed a checkpoint yet");
        }

        // Fresh within about one checkpoint interval; clients poll.
        http.Response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Text(checkpoint.ToString(), "text/plain; charset=utf-8");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> TileAsync(string path, HttpContext http, AuditLogService log, CancellationToken cancellationToken)
    {
        if (!TilePath.TryParse("tile/" + path, out var resource))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-tile-path", "Not a tile path",
                "expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>], with N in x-prefixed groups of three digits");
        }

        var bytes = await log.Store.Log.ReadResourceAsync(resource, cancellationToken);
        if (bytes is null)
        {
            return Problem(StatusCodes.Status404NotFound, "tile-not-found", "No such tile", $"the tree does not hold {resource} (yet)");
        }

        http.Response.Headers.CacheControl = Immutable;
        return TypedResults.File(bytes, "application/octet-stream");
    }

    private static async Task<Results<Ok<ProofResponse>, ProblemHttpResult>> InclusionAsync(HttpRequest request, AuditLogService log, CancellationToken cancellationToken)
    {
        if (!TryNumber(request, "index", required: true, out var index, out var problem)
            || !TryNumber(request, "size", required: false, out var size, out problem))
        {
            return problem!;
        }

        var treeSize = size ?? (await log.Store.Log.LatestCheckpointAsync(cancellationToken))?.Checkpoint.TreeSize ?? 0;
        if (index >= treeSize)
        {
            return Problem(StatusCodes.Status400BadRequest, "index-outside-tree", "Index outside the tree", $"index {index} is not below the tree size {treeSize}");
        }

        var proof = await log.Store.Log.InclusionProofAsync(index!.Value, treeSize, cancellationToken);
        return proof is null
            ? Problem(StatusCodes.Status404NotFound, "size-not-integrated", "Tree size not reached", $"the tree has not reached size {treeSize}")
            : TypedResults.Ok(new ProofResponse(proof.LeafIndex, null, proof.TreeSize, [.. proof.Path.Select(h => h.ToBase64())]));
    }

    private static async Task<Results<Ok<ProofResponse>, ProblemHttpResult>> ConsistencyAsync(HttpRequest request, AuditLogService log, CancellationToken cancellationToken)
    {
        if (!TryNumber(request, "old", required: true, out var old, out var problem)
            || !TryNumber(request, "new", required: false, out var newer, out problem))
        {
            return problem!;
        }

        var newSize = newer ?? (await log.Store.Log.LatestCheckpointAsync(cancellationToken))?.Checkpoint.TreeSize ?? 0;
        if (old is 0 || old > newSize)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-sizes", "Sizes out of order",
                $"a consistency proof needs 0 < old ≤ new; got old {old}, new {newSize} (every tree is consistent with the empty one)");
        }

        var proof = await log.Store.Log.ConsistencyProofAsync(old!.Value, newSize, cancellationToken);
        return proof is null
            ? Problem(StatusCodes.Status404NotFound, "size-not-integrated", "Tree size not reached", $"the tree has not reached size {newSize}")
            : TypedResults.Ok(new ProofResponse(null, proof.OldSize, proof.NewSize, [.. proof.Path.Select(h => h.ToBase64())]));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReceiptAsync(string eventId, HttpContext http, AuditLogService log, AuditLogOptions options, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(eventId, "D", out var id))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-event-id", "Not an event id", "an event id is a UUID such as 0193a7c2-…");
        }

        var (status, receipt) = await log.Store.Log.ReceiptAsync(id, cancellationToken);
        switch (status)
        {
            case ReceiptStatus.UnknownEvent:
                return Problem(StatusCodes.Status404NotFound, "unknown-event", "No such event", "no event in the log has that id");
            case ReceiptStatus.NotYetCheckpointed:
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(options.CheckpointInterval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Problem(StatusCodes.Status404NotFound, "receipt-pending", "Not yet in a checkpoint",
                    "the event is in the log but no signed checkpoint covers it yet; retry after the checkpoint interval");
            default:
                // A later call may return the receipt extended with an anchor; never cache it for long.
                http.Response.Headers.CacheControl = "no-cache";
                return TypedResults.File(receipt!.ToJson(), "application/json");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<AnchorResponse>>, ProblemHttpResult>> AnchorsAsync(
        HttpRequest request, AuditLogService log, CancellationToken cancellationToken)
    {
        if (!TryNumber(request, "limit", required: false, out var limit, out var problem))
        {
            return problem!;
        }

        if (limit is 0 or > 1000)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-parameter", "Bad parameter", "'limit' must be from 1 to 1000");
        }

        var anchors = await log.Store.Log.Anchors.ListAsync((int)(limit ?? 50), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AnchorResponse>>([.. anchors.Select(AnchorResponse.From)]);
    }

    private static bool TryNumber(HttpRequest request, string name, bool required, out ulong? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        var values = request.Query[name];
        if (values.Count == 0)
        {
            if (required)
            {
                problem = Problem(StatusCodes.Status400BadRequest, "missing-parameter", "Missing parameter", $"the query parameter '{name}' is required");
            }

            return !required;
        }

        var text = values[0] ?? string.Empty;
        if (values.Count > 1 || text.Length is 0 or > 20 || text.Any(c => !char.IsAsciiDigit(c)) || (text.Length > 1 && text[0] == '0')
            || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue)
        {
            problem = Problem(StatusCodes.Status400BadRequest, "bad-parameter", "Bad parameter", $"'{name}' must be one decimal integer without leading zeros");
            return false;
        }

        value = number;
        return true;
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) => ApiProblems.Of(ProblemBase, status, type, title, detail);
}
