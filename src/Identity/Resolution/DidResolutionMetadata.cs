namespace IdentityEhr.Identity.Resolution;

/// <summary>Metadata about the resolution itself (DID Resolution v1.0 §4.3).</summary>
/// <param name="ContentType">The media type of the returned representation, when a document was returned.</param>
/// <param name="Error">The error, when resolution failed.</param>
public sealed record DidResolutionMetadata(string? ContentType, DidResolutionProblem? Error);
