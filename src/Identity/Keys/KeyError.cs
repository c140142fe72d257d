namespace IdentityEhr.Identity.Keys;

/// <summary>Why key material from outside was refused.</summary>
public enum KeyError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The text is not valid multibase (empty, or characters outside the base's alphabet).</summary>
    MalformedMultibase,

    /// <summary>The multibase prefix names a base this service does not read.</summary>
    UnsupportedMultibase,

    /// <summary>The multicodec header is not a minimal unsigned varint.</summary>
    MalformedMulticodec,

    /// <summary>The multicodec or JWK names a key type this service does not support.</summary>
    UnsupportedKeyType,

    /// <summary>The key has the wrong number of bytes for its type.</summary>
    WrongKeyLength,

    /// <summary>The bytes do not encode a valid point of the curve (off the curve, not canonical, or of small order).</summary>
    InvalidPoint,

    /// <summary>The private scalar is out of range for the curve.</summary>
    InvalidPrivateKey,

    /// <summary>The JWK is not a JSON object with the members its key type requires, base64url-encoded without padding.</summary>
    MalformedJwk,

    /// <summary>A public JWK carries a private member (<c>d</c>).</summary>
    PrivateMemberInPublicJwk,

    /// <summary>A public key was given where a private key was expected, or the other way round.</summary>
    WrongKeyKind,
}
