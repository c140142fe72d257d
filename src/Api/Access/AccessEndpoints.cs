using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Records;
using IdentityEhr.Credentials.Emergency;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Storage.Vault;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Access;

/// <summary>
/// The consent-gated read (issue 9, second part): a challenge, then a presentation carrying the patient's consent; the verifier
/// decides, and a grant returns the release document (ciphertext and the key as a JWE to the holder's key-agreement key), a
/// refusal its reason. Both are events of the log; a presentation whose holder is not authenticated names nobody and is refused
/// without an event.
/// </summary>
internal static partial class AccessEndpoints
{
    public const string ProblemBase = "https://identityehr.dev/problems/access/";

    /// <summary>The largest access request body: a presentation (64 KiB at most) and a little more.</summary>
    public const int MaxBodyBytes = 128 * 1024;

    // Reasons of the first stage (presentation proof, holder binding, domain, challenge): the holder is not known yet.
    private static readonly AccessReason[] s_unauthenticated =
    [
        AccessReason.MalformedPresentation, AccessReason.DidNotResolved, AccessReason.PresentationKeyNotAuthentication, AccessReason.PresentationSignatureInvalid,
        AccessReason.HolderNotSigner, AccessReason.WrongDomain, AccessReason.ChallengeUnknown, AccessReason.ChallengeReplayed, AccessReason.ChallengeExpired,
    ];

    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/access/challenges", NewChallenge)
            .WithTags("Access")
            .WithName("NewChallenge")
            .WithSummary("A single-use challenge (five minutes) and the domain to sign a presentation for. Rate-limited per client address.")
            .Produces<ChallengeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        routes.MapPost("/records/{recordId}/access", AccessAsync)
            .WithTags("Access")
            .WithName("AccessRecord")
            .WithSummary("Present the patient's consent ({\"presentation\": VP JSON or vp+jwt, \"purpose\": \"TREAT\", \"version\"?}); granted: the release document; refused: the reason.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        routes.MapPost("/records/{recordId}/emergency-access", EmergencyAsync)
            .WithTags("Access")
            .WithName("EmergencyAccessRecord")
            .WithSummary("Break the glass: present an EmergencyAccessAccreditation from a trusted accreditor instead of consent ({\"presentation\", \"purpose\": \"ETREAT\" or \"BTG\", \"reason\": text, \"version\"?}). Logged as EmergencyAccess (a security alert the patient sees); the reason is logged only as its SHA-256.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex Purpose();

    /// <summary>The longest break-glass reason, in characters.</summary>
    public const int MaxReasonLength = 1000;

    private static Results<Created<ChallengeResponse>, ProblemHttpResult> NewChallenge(HttpContext http, AccessVerifier access, RateLimits limits)
    {
        if (limits.TakeForAddress(http) is { } tooMany)
        {
            return tooMany;
        }

        // Issuing stores nothing (the challenge carries its expiry under a MAC); only used ones are remembered until they expire.
        return TypedResults.Created((string?)null, access.NewChallenge());
    }

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> AccessAsync(
        string recordId, HttpContext http, AccessVerifier access, VaultService vault, DidResolver resolver, RateLimits limits, CancellationToken cancellationToken) =>
        DecideAsync(recordId, emergency: false, http, access, vault, resolver, limits, cancellationToken);

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> EmergencyAsync(
        string recordId, HttpContext http, AccessVerifier access, VaultService vault, DidResolver resolver, RateLimits limits, CancellationToken cancellationToken) =>
        DecideAsync(recordId, emergency: true, http, access, vault, resolver, limits, cancellationToken);

    /// <summary>The one access path: consent-gated, or break-glass under an accreditation (then the reason's hash is logged).</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DecideAsync(
        string recordId, bool emergency, HttpContext http, AccessVerifier access, VaultService vault, DidResolver resolver, RateLimits limits,
        CancellationToken cancellationToken)
    {
        // Before authentication, by address; once the presentation names its holder, by DID too.
        if (limits.TakeForAddress(http) is { } tooMany)
        {
            return tooMany;
        }

        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, MaxBodyBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        if (!TryReadBody(body, emergency, out var presentation, out var purpose, out var version, out var statedReason, out var complaint))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-request", emergency ? "Not an emergency access request" : "Not an access request", complaint);
        }

        // Read once with what a release needs: the request names the record's patient and type, and a grant releases this very
        // read (RecordVault still reads the version again after the AccessGranted append, so an erasure meanwhile wins).
        ReleasableRecord found;
        try
        {
            found = await vault.Vault.FindReleasableAsync(recordId, version, cancellationToken);
        }
        catch (RecordVaultException e)
        {
            return e.Error == VaultError.Erased
                ? Problem(StatusCodes.Status410Gone, "erased", "Record erased", e.Message)
                : Problem(StatusCodes.Status404NotFound, "not-found", "No such record", e.Message);
        }

        var record = found.Record;
        var request = new AccessRequest(Did.Parse(record.Patient), record.ResourceType, record.RecordId, purpose);
        var decision = emergency
            ? await access.Verifier.VerifyEmergencyAsync(presentation, request, cancellationToken)
            : await access.Verifier.VerifyAsync(presentation, request, cancellationToken);
        if (!decision.Granted)
        {
            // Stage one failed (no holder is authenticated) — but DidNotResolved also names an issuer that did not resolve, after
            // the holder was authenticated: that is a decision about the holder, and is logged.
            var issuerStage = decision.Reason == AccessReason.DidNotResolved && decision.Evidence.Issuer is not null;
            if ((s_unauthenticated.Contains(decision.Reason) && !issuerStage) || decision.Evidence.Holder is null)
            {
                return Problem(StatusCodes.Status401Unauthorized, "presentation-refused", "Presentation refused", $"the presentation does not authenticate its holder: {decision.Reason}",
                    decision.Reason, null);
            }

            if (limits.TakeForDid(http, decision.Evidence.Holder) is { } holderTooMany)
            {
                return holderTooMany;
            }

            var denied = await vault.Vault.DenyAsync(request, decision, cancellationToken);
            return Problem(StatusCodes.Status403Forbidden, "denied", "Access denied", $"access is denied: {decision.Reason}", decision.Reason, denied);
        }

        if (limits.TakeForDid(http, decision.Evidence.Holder!) is { } grantedTooMany)
        {
            return grantedTooMany;
        }

        var holder = await resolver.ResolveAsync(Did.Parse(decision.Evidence.Holder!), null, cancellationToken);
        if (holder.DidDocument is not { } document || !RecordRecipient.TryFromDocument(document, out var recipient))
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "no-key-agreement", "No key to release to",
                "the holder's DID document has no X25519 key under keyAgreement to release the record's key to");
        }

        try
        {
            var release = await vault.Vault.ReleaseFoundAsync(request, decision, recipient, found, statedReason: statedReason, cancellationToken: cancellationToken);
            return TypedResults.Bytes(release.ToUtf8Json(), "application/json; charset=utf-8");
        }
        catch (RecordVaultException e) when (e.Error == VaultError.Erased)
        {
            return Problem(StatusCodes.Status410Gone, "erased", "Record erased", e.Message);
        }
    }

    private static bool TryReadBody(
        ReadOnlyMemory<byte> body, bool emergency, out ReadOnlyMemory<byte> presentation, out string purpose, out int? version, out string? statedReason,
        out string complaint)
    {
        presentation = ReadOnlyMemory<byte>.Empty;
        purpose = "";
        version = null;
        statedReason = null;
        complaint = emergency
            ? $"expected {{\"presentation\": <VP carrying an EmergencyAccessAccreditation>, \"purpose\": \"ETREAT\" or \"BTG\", \"reason\": \"<1 to {MaxReasonLength} characters>\", \"version\": <n, optional>}}"
            : "expected {\"presentation\": <VP as JSON, or a vp+jwt string>, \"purpose\": \"<HL7 v3 purpose of use>\", \"version\": <n, optional>}";
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("presentation", out var vp)
                || !root.TryGetProperty("purpose", out var p) || p.ValueKind != JsonValueKind.String || p.GetString() is not { } text || !Purpose().IsMatch(text))
            {
                return false;
            }

            if (emergency)
            {
                // The reason may hold health data: only its hash is kept, and it is never echoed or logged.
                if (!AccreditationCredential.EmergencyPurposes.Contains(text, StringComparer.Ordinal)
                    || !root.TryGetProperty("reason", out var r) || r.ValueKind != JsonValueKind.String || r.GetString() is not { Length: > 0 and <= MaxReasonLength } reason
                    || string.IsNullOrWhiteSpace(reason))
                {
                    return false;
                }

                statedReason = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reason)));
            }

            if (root.TryGetProperty("version", out var v))
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 1)
                {
                    return false;
                }

                version = n;
            }

            presentation = vp.ValueKind switch
            {
                JsonValueKind.Object => Encoding.UTF8.GetBytes(vp.GetRawText()),
                JsonValueKind.String when vp.GetString() is { } jwt => Encoding.ASCII.GetBytes(jwt),
                _ => ReadOnlyMemory<byte>.Empty,
            };
            purpose = text;
            return presentation.Length > 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail, AccessReason? reason = null, Guid? evt = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (reason is { } r)
        {
            extensions["reason"] = r.ToString();
        }

        if (evt is { } id)
        {
            extensions["event"] = id;
            extensions["receipt"] = $"/log/receipts/{id}";
        }

        return ApiProblems.Of(ProblemBase, status, type, title, detail, extensions);
    }
}
