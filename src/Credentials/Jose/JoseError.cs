namespace IdentityEhr.Credentials.Jose;

/// <summary>Why a compact JWS or JWE is refused.</summary>
public enum JoseError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>Longer than <see cref="CompactJws.MaxLength"/> (or the JWE limit).</summary>
    TooLarge,

    /// <summary>Not the right number of dot-separated parts, or a part is not strict base64url.</summary>
    MalformedCompact,

    /// <summary>The protected header is not an I-JSON object, or a member has the wrong type.</summary>
    MalformedHeader,

    /// <summary><c>alg</c> (or <c>enc</c>) is missing, <c>none</c>, or not one this service accepts.</summary>
    UnsupportedAlgorithm,

    /// <summary>The header carries <c>crit</c>, <c>b64</c>, <c>zip</c> or an embedded or remote key (<c>jwk</c>, <c>jku</c>, <c>x5u</c>, <c>x5c</c>).</summary>
    ForbiddenHeader,

    /// <summary><c>alg</c> does not match the verification key's type (no algorithm confusion).</summary>
    AlgorithmKeyMismatch,

    /// <summary>The signature does not verify.</summary>
    SignatureInvalid,

    /// <summary>The signer's DID did not resolve.</summary>
    DidNotResolved,

    /// <summary>The <c>kid</c> names no key under the signer's required verification relationship.</summary>
    KeyNotAuthorized,

    /// <summary>The JWE cannot be decrypted with this key (wrong key, tampered ciphertext, tag or header).</summary>
    DecryptionFailed,

    /// <summary>The ephemeral key is not an X25519 OKP key, or is of small order.</summary>
    InvalidEphemeralKey,
}
