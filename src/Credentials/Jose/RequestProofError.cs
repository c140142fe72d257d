namespace IdentityEhr.Credentials.Jose;

/// <summary>Why a request proof was refused (specs/http-api.md, "Request proofs"); the order of the checks is given there.</summary>
public enum RequestProofError
{
    /// <summary>The proof holds.</summary>
    None,

    /// <summary>No <c>Authorization: DID …</c> header.</summary>
    Missing,

    /// <summary>Not a compact JWS of the right shape, or a claim is missing or malformed.</summary>
    Malformed,

    /// <summary>The JWS's <c>typ</c> is not <c>ehr-request+jwt</c>.</summary>
    WrongType,

    /// <summary>The caller's DID did not resolve, or is deactivated.</summary>
    DidNotResolved,

    /// <summary>The <c>kid</c> is not a key under the caller's <c>authentication</c>.</summary>
    KeyNotAuthorized,

    /// <summary>The signature does not verify.</summary>
    SignatureInvalid,

    /// <summary><c>iat</c> is older than the allowed skew.</summary>
    Expired,

    /// <summary><c>iat</c> is further in the future than the allowed skew.</summary>
    NotYetValid,

    /// <summary><c>htm</c> or <c>htu</c> is not this request's method and URL.</summary>
    WrongRequest,

    /// <summary><c>htb</c> is not the SHA-256 of this request's body.</summary>
    WrongBody,

    /// <summary>The <c>jti</c> was used before.</summary>
    Replayed,
}
