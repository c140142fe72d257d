namespace IdentityEhr.Identity.Keys;

/// <summary>The key types the service reads and writes.</summary>
public enum KeyType
{
    /// <summary>Ed25519 signing key (RFC 8032).</summary>
    Ed25519,

    /// <summary>X25519 key-agreement key (RFC 7748).</summary>
    X25519,

    /// <summary>secp256k1 ECDSA key (SEC 2), as Ethereum and ES256K use it.</summary>
    Secp256k1,

    /// <summary>NIST P-256 ECDSA key (ES256).</summary>
    P256,

    /// <summary>NIST P-384 ECDSA key (ES384).</summary>
    P384,

    /// <summary>NIST P-521 ECDSA key (ES512).</summary>
    P521,
}
