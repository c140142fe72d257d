namespace IdentityEhr.Identity.Keys;

/// <summary>Human-readable reasons for <see cref="KeyError"/>.</summary>
public static class KeyErrorExtensions
{
    /// <summary>Returns a one-sentence reason, without any key bytes.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The reason.</returns>
    public static string Describe(this KeyError error) => error switch
    {
        KeyError.None => "the key is valid",
        KeyError.MalformedMultibase => "the key is not valid multibase",
        KeyError.UnsupportedMultibase => "the multibase encoding is not supported (expected base58btc, prefix 'z')",
        KeyError.MalformedMulticodec => "the multicodec header is not a minimal unsigned varint",
        KeyError.UnsupportedKeyType => "the key type is not supported",
        KeyError.WrongKeyLength => "the key has the wrong length for its type",
        KeyError.InvalidPoint => "the public key is not a valid point of its curve",
        KeyError.InvalidPrivateKey => "the private key is out of range for its curve",
        KeyError.MalformedJwk => "the JWK is malformed",
        KeyError.PrivateMemberInPublicJwk => "a public JWK must not carry the private member 'd'",
        KeyError.WrongKeyKind => "a private key was given where a public key belongs, or the other way round",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}
