using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Resolution;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace IdentityEhr.Api.Dids;

/// <summary>
/// The DID Resolution HTTP binding, in the Universal Resolver shape: <c>GET /1.0/identifiers/{did}</c>.
/// </summary>
/// <remarks>
/// DID Resolution v1.0 §10 (HTTP(S) binding). <c>Accept: application/did</c> (or <c>application/did+json</c>,
/// <c>application/did+ld+json</c>, <c>application/json</c>, none) returns the document; <c>application/did-resolution</c> returns
/// the whole result. Errors: problem details whose <c>type</c> is the DID Resolution error URI; with
/// <c>application/did-resolution</c> the result itself, its <c>didResolutionMetadata.error</c> being the same problem object.
/// </remarks>
internal static class ResolutionEndpoints
{
    public const string ProblemMediaType = "application/problem+json";

    private static readonly string[] s_documentTypes = ["application/did", "application/did+json", "application/did+ld+json", "application/json", "application/ld+json"];
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapResolutionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/1.0/identifiers/{*did}", ResolveAsync)
            .WithName("ResolveDid")
            .WithQuery("publicKeyFormat", "Multikey (default), JsonWebKey2020 or Ed25519VerificationKey2020.")
            .WithQuery("enableEncryptionKeyDerivation", "did:key: also list the X25519 key derived from an Ed25519 key (default true).")
            .WithQuery("versionId", "Resolve a past version (did:ethr: a block number).")
            .WithQuery("versionTime", "Resolve the version valid at this time (ISO 8601).")
            .WithSummary("Resolve a DID to its DID document (DID Resolution HTTP binding, Universal Resolver shape).")
            .WithDescription("Accept: application/did for the document, application/did-resolution for the whole result. Query options: publicKeyFormat (Multikey, JsonWebKey2020, Ed25519VerificationKey2020), enableEncryptionKeyDerivation, versionId, versionTime.")
            .Produces(StatusCodes.Status200OK, contentType: DidResolutionResult.DidMediaType)
            .Produces(StatusCodes.Status200OK, contentType: DidResolutionResult.ResolutionMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status501NotImplemented)
            .WithTags("DIDs");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ResolveAsync(
        string did, HttpRequest request, DidResolver resolver, CancellationToken cancellationToken)
    {
        var representation = Negotiate(request.Headers.Accept);
        if (representation is null)
        {
            return Problem(new DidResolutionProblem(
                DidResolutionError.RepresentationNotSupported,
                $"representations offered: {DidResolutionResult.DidMediaType}, {DidResolutionResult.ResolutionMediaType}"), did);
        }

        if (!TryReadOptions(request.Query, out var options, out var optionsError))
        {
            return Respond(DidResolutionResult.Failure(DidResolutionError.InvalidOptions, optionsError), representation, did);
        }

        // A DID URL with a fragment dereferences to the verification method it names.
        if (did.Contains('#', StringComparison.Ordinal) || did.Contains('/', StringComparison.Ordinal) || did.Contains('?', StringComparison.Ordinal))
        {
            return await DereferenceAsync(did, options, resolver, cancellationToken);
        }

        var result = await resolver.ResolveAsync(did, options, cancellationToken);
        return Respond(result, representation, did);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> DereferenceAsync(
        string text, DidResolutionOptions options, DidResolver resolver, CancellationToken cancellationToken)
    {
        if (!DidUrl.TryParse(text, out var url, out var syntax) || url.Path.Length > 0 || url.Query is not null || url.Fragment is null)
        {
            var detail = url is null ? DidResolver.DescribeSyntax(syntax) : "only DID URLs of the form did:…#fragment are dereferenced";
            return Problem(new DidResolutionProblem(DidResolutionError.InvalidDidUrl, detail), text);
        }

        var result = await resolver.ResolveAsync(url.Did, options, cancellationToken);
        if (!result.IsSuccess)
        {
            return Problem(result.ResolutionMetadata.Error!, text);
        }

        if (result.DidDocument!.FindVerificationMethod(url) is not { } method)
        {
            return Problem(new DidResolutionProblem(DidResolutionError.NotFound, "the DID document has no verification method with that id"), text);
        }

        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["@context"] = "https://w3id.org/did-resolution/v1",
            ["content"] = method.ToJson(),
            ["dereferencingMetadata"] = new System.Text.Json.Nodes.JsonObject { ["contentType"] = DidResolutionResult.DidMediaType },
            ["contentMetadata"] = new System.Text.Json.Nodes.JsonObject(),
        };
        return TypedResults.Text(json.ToJsonString(s_json), "application/did-url-dereferencing", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Respond(DidResolutionResult result, string representation, string did)
    {
        if (representation == DidResolutionResult.ResolutionMediaType)
        {
            var status = result.ResolutionMetadata.Error?.HttpStatus ?? (result.DocumentMetadata.Deactivated == true ? 410 : 200);
            return TypedResults.Text(result.ToJson().ToJsonString(s_json), representation, System.Text.Encoding.UTF8, status);
        }

        if (!result.IsSuccess)
        {
            return Problem(result.ResolutionMetadata.Error!, did);
        }

        var code = result.DocumentMetadata.Deactivated == true ? StatusCodes.Status410Gone : StatusCodes.Status200OK;
        return TypedResults.Text(result.DidDocument!.Serialize(), representation, System.Text.Encoding.UTF8, code);
    }

    private static ProblemHttpResult Problem(DidResolutionProblem problem, string did) =>
        TypedResults.Problem(
            detail: problem.Detail,
            statusCode: problem.HttpStatus,
            title: problem.Title,
            type: problem.Type,
            extensions: new Dictionary<string, object?> { ["did"] = did.Length <= 256 ? did : did[..256] + "…" });

    /// <summary>Picks the representation: the first acceptable media type in q-value order.</summary>
    private static string? Negotiate(Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var values) || values.Count == 0)
        {
            return DidResolutionResult.DidMediaType;
        }

        foreach (var value in values.OrderByDescending(v => v.Quality ?? 1.0))
        {
            if (value.Quality == 0)
            {
                continue;
            }

            var mediaType = value.MediaType.Value ?? string.Empty;
            if (mediaType == DidResolutionResult.ResolutionMediaType
                || (mediaType == "application/ld+json" && value.Parameters.Any(p => p.Name == "profile" && p.Value.ToString().Trim('"') == "https://w3id.org/did-resolution")))
            {
                return DidResolutionResult.ResolutionMediaType;
            }

            if (s_documentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            {
                return mediaType.StartsWith("application/did", StringComparison.Ordinal) ? mediaType : DidResolutionResult.DidMediaType;
            }

            if (mediaType is "*/*" or "application/*")
            {
                return DidResolutionResult.DidMediaType;
            }
        }

        return null;
    }

    private static bool TryReadOptions(IQueryCollection query, out DidResolutionOptions options, out string error)
    {
        options = DidResolutionOptions.Default;
        error = string.Empty;
        foreach (var (name, values) in query)
        {
            if (values.Count != 1)
            {
                error = $"the option '{name}' is given more than once";
                return false;
            }

            var value = values[0] ?? string.Empty;
            switch (name)
            {
                case "publicKeyFormat":
                    if (!Enum.TryParse<PublicKeyFormat>(value, ignoreCase: false, out var format) || !Enum.IsDefined(format) || int.TryParse(value, out _))
                    {
                        error = "publicKeyFormat must be Multikey, JsonWebKey2020 or Ed25519VerificationKey2020";
                        return false;
                    }

                    options = options with { PublicKeyFormat = format };
                    break;
                case "enableEncryptionKeyDerivation":
                    if (value is not ("true" or "false"))
                    {
                        error = "enableEncryptionKeyDerivation must be true or false";
                        return false;
                    }

                    options = options with { EnableEncryptionKeyDerivation = value == "true" };
                    break;
                case "versionId":
                    options = options with { VersionId = value };
                    break;
                case "versionTime":
                    if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        error = "versionTime must be an XML Schema dateTime, such as 2026-01-01T00:00:00Z";
                        return false;
                    }

                    options = options with { VersionTime = time };
                    break;
                default:
                    error = $"unknown option '{(name.Length <= 64 ? name : name[..64])}'";
                    return false;
            }
        }

        if (options.VersionId is not null && options.VersionTime is not null)
        {
            error = "versionId and versionTime cannot be given together";
            return false;
        }

        return true;
    }
}
