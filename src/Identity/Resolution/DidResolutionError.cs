namespace IdentityEhr.Identity.Resolution;

/// <summary>The error types of DID Resolution v1.0 §7 and the did:key method's public-key errors.</summary>
public enum DidResolutionError
{
    /// <summary>The DID does not conform to DID syntax or to its method's syntax (HTTP 400).</summary>
    InvalidDid,

    /// <summary>The DID URL does not conform to DID URL syntax (HTTP 400).</summary>
    InvalidDidUrl,

    /// <summary>The resolver found no DID document for the DID (HTTP 404).</summary>
    NotFound,

    /// <summary>The DID method is not supported by this resolver (HTTP 501).</summary>
    MethodNotSupported,

    /// <summary>The requested representation is not supported (HTTP 406).</summary>
    RepresentationNotSupported,

    /// <summary>A resolution option is invalid or options contradict each other (HTTP 400).</summary>
    InvalidOptions,

    /// <summary>did:key: the public key is not valid for its type, for example a point off the curve (HTTP 400).</summary>
    InvalidPublicKey,

    /// <summary>did:key: the public key's length does not match its multicodec type (HTTP 400).</summary>
    InvalidPublicKeyLength,

    /// <summary>did:key: the multicodec names a key type this resolver does not support (HTTP 400).</summary>
    UnsupportedPublicKeyType,

    /// <summary>did:key: the requested public key format cannot express the key (HTTP 400).</summary>
    InvalidPublicKeyType,

    /// <summary>The resolver failed for a reason of its own, such as an unreachable node (HTTP 500).</summary>
    InternalError,
}
