namespace IdentityEhr.Identity.Resolution;

/// <summary>A resolution error as an RFC 9457 problem: the DID Resolution type URI, a title, and a detail without secrets.</summary>
/// <param name="Error">The error type.</param>
/// <param name="Detail">What exactly is wrong, in one sentence.</param>
/// <remarks>
/// DID Resolution v1.0 §7 names error types as URIs <c>https://www.w3.org/ns/did#INVALID_DID</c> and so on; the did:key errors
/// (<c>invalidPublicKey</c>, <c>invalidPublicKeyLength</c>, <c>unsupportedPublicKeyType</c>, <c>invalidPublicKeyType</c>) are written
/// in the same form (see specs/decisions/0004-did-resolution-errors.md).
/// </remarks>
public sealed record DidResolutionProblem(DidResolutionError Error, string Detail)
{
    /// <summary>The namespace of the DID Resolution error type URIs.</summary>
    public const string TypeNamespace = "https://www.w3.org/ns/did#";

    /// <summary>Gets the problem type URI, for example <c>https://www.w3.org/ns/did#INVALID_DID</c>.</summary>
    public string Type => TypeNamespace + Error switch
    {
        DidResolutionError.InvalidDid => "INVALID_DID",
        DidResolutionError.InvalidDidUrl => "INVALID_DID_URL",
        DidResolutionError.NotFound => "NOT_FOUND",
        DidResolutionError.MethodNotSupported => "METHOD_NOT_SUPPORTED",
        DidResolutionError.RepresentationNotSupported => "REPRESENTATION_NOT_SUPPORTED",
        DidResolutionError.InvalidOptions => "INVALID_OPTIONS",
        DidResolutionError.InvalidPublicKey => "INVALID_PUBLIC_KEY",
        DidResolutionError.InvalidPublicKeyLength => "INVALID_PUBLIC_KEY_LENGTH",
        DidResolutionError.UnsupportedPublicKeyType => "UNSUPPORTED_PUBLIC_KEY_TYPE",
        DidResolutionError.InvalidPublicKeyType => "INVALID_PUBLIC_KEY_TYPE",
        _ => "INTERNAL_ERROR",
    };

    /// <summary>Gets a short, fixed title for the error type.</summary>
    public string Title => Error switch
    {
        DidResolutionError.InvalidDid => "Invalid DID",
        DidResolutionError.InvalidDidUrl => "Invalid DID URL",
        DidResolutionError.NotFound => "DID not found",
        DidResolutionError.MethodNotSupported => "DID method not supported",
        DidResolutionError.RepresentationNotSupported => "Representation not supported",
        DidResolutionError.InvalidOptions => "Invalid resolution options",
        DidResolutionError.InvalidPublicKey => "Invalid public key",
        DidResolutionError.InvalidPublicKeyLength => "Invalid public key length",
        DidResolutionError.UnsupportedPublicKeyType => "Unsupported public key type",
        DidResolutionError.InvalidPublicKeyType => "Invalid public key type",
        _ => "Internal resolver error",
    };

    /// <summary>Gets the HTTP status that DID Resolution's HTTP binding assigns to the error type.</summary>
    public int HttpStatus => Error switch
    {
        DidResolutionError.NotFound => 404,
        DidResolutionError.MethodNotSupported => 501,
        DidResolutionError.RepresentationNotSupported => 406,
        DidResolutionError.InternalError => 500,
        _ => 400,
    };
}
