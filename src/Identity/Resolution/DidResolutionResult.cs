using System.Globalization;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Resolution;

/// <summary>The result of resolving a DID: the document and the two kinds of metadata (DID Resolution v1.0 §4).</summary>
/// <param name="DidDocument">The document, or <see langword="null"/> when resolution failed.</param>
/// <param name="ResolutionMetadata">Metadata about the resolution, with the error when it failed.</param>
/// <param name="DocumentMetadata">Metadata about the document.</param>
public sealed record DidResolutionResult(DidDocument? DidDocument, DidResolutionMetadata ResolutionMetadata, DidDocumentMetadata DocumentMetadata)
{
    /// <summary>The media type of a DID document in its JSON representation (DID Core 1.1).</summary>
    public const string DidMediaType = "application/did";

    /// <summary>The media type of a whole resolution result.</summary>
    public const string ResolutionMediaType = "application/did-resolution";

    /// <summary>Gets a value saying whether a document was resolved.</summary>
    public bool IsSuccess => DidDocument is not null && ResolutionMetadata.Error is null;

    /// <summary>Creates a successful result.</summary>
    /// <param name="document">The document.</param>
    /// <param name="metadata">The document's metadata.</param>
    /// <returns>The result.</returns>
    public static DidResolutionResult Success(DidDocument document, DidDocumentMetadata metadata) =>
        new(document, new DidResolutionMetadata(DidMediaType, null), metadata);

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">The error type.</param>
    /// <param name="detail">What exactly is wrong.</param>
    /// <returns>The result.</returns>
    public static DidResolutionResult Failure(DidResolutionError error, string detail) =>
        new(null, new DidResolutionMetadata(null, new DidResolutionProblem(error, detail)), DidDocumentMetadata.Empty);

    /// <summary>Writes the result in the <c>application/did-resolution</c> JSON shape.</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJson()
    {
        var resolution = new JsonObject();
        if (ResolutionMetadata.ContentType is { } contentType)
        {
            resolution["contentType"] = contentType;
        }

        if (ResolutionMetadata.Error is { } problem)
        {
            resolution["error"] = new JsonObject { ["type"] = problem.Type, ["title"] = problem.Title, ["detail"] = problem.Detail };
        }

        var document = new JsonObject();
        if (DocumentMetadata.Created is { } created)
        {
            document["created"] = Format(created);
        }

        if (DocumentMetadata.Updated is { } updated)
        {
            document["updated"] = Format(updated);
        }

        if (DocumentMetadata.Deactivated is { } deactivated)
        {
            document["deactivated"] = deactivated;
        }

        if (DocumentMetadata.VersionId is { } versionId)
        {
            document["versionId"] = versionId;
        }

        if (DocumentMetadata.NextVersionId is { } nextVersionId)
        {
            document["nextVersionId"] = nextVersionId;
        }

        if (DocumentMetadata.NextUpdate is { } nextUpdate)
        {
            document["nextUpdate"] = Format(nextUpdate);
        }

        return new JsonObject
        {
            ["@context"] = "https://w3id.org/did-resolution/v1",
            ["didDocument"] = DidDocument?.ToJson(),
            ["didResolutionMetadata"] = resolution,
            ["didDocumentMetadata"] = document,
        };
    }

    // XML Schema dateTime normalised to UTC with whole seconds, as DID Core §7.1.3 recommends.
    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
