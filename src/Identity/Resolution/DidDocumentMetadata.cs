namespace IdentityEhr.Identity.Resolution;

/// <summary>Metadata about the DID document (DID Resolution v1.0 §4.4; DID Core §7.1.3).</summary>
/// <param name="Created">When the DID was created, if the method knows.</param>
/// <param name="Updated">When the document last changed, if the method knows.</param>
/// <param name="Deactivated"><see langword="true"/> when the DID is deactivated; <see langword="null"/> when not stated.</param>
/// <param name="VersionId">The version of the returned document, if the method has versions.</param>
/// <param name="NextVersionId">The next version's id when an older version was asked for.</param>
/// <param name="NextUpdate">When the next version was made, when an older version was asked for.</param>
public sealed record DidDocumentMetadata(
    DateTimeOffset? Created = null,
    DateTimeOffset? Updated = null,
    bool? Deactivated = null,
    string? VersionId = null,
    string? NextVersionId = null,
    DateTimeOffset? NextUpdate = null)
{
    /// <summary>Gets empty metadata (did:key has no versions or times).</summary>
    public static DidDocumentMetadata Empty { get; } = new();
}
