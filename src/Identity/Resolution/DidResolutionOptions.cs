using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Resolution;

/// <summary>Options of a resolution request (DID Resolution v1.0 §4.1 and the did:key options).</summary>
public sealed record DidResolutionOptions
{
    /// <summary>Gets the default options.</summary>
    public static DidResolutionOptions Default { get; } = new();

    /// <summary>Gets the requested media type of the document, or <see langword="null"/> for the default <c>application/did</c>.</summary>
    public string? Accept { get; init; }

    /// <summary>Gets the did:key <c>publicKeyFormat</c>: how verification methods write their keys.</summary>
    public PublicKeyFormat PublicKeyFormat { get; init; } = PublicKeyFormat.Multikey;

    /// <summary>Gets the did:key <c>enableEncryptionKeyDerivation</c>: whether an Ed25519 DID also lists its derived X25519 key.</summary>
    public bool EnableEncryptionKeyDerivation { get; init; } = true;

    /// <summary>Gets the requested version of the document, for methods with versions.</summary>
    public string? VersionId { get; init; }

    /// <summary>Gets the requested point in time of the document, for methods with history.</summary>
    public DateTimeOffset? VersionTime { get; init; }
}
