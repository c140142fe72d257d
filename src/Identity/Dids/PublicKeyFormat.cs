namespace IdentityEhr.Identity.Dids;

/// <summary>How a verification method writes its key (the did:key <c>publicKeyFormat</c> option).</summary>
public enum PublicKeyFormat
{
    /// <summary><c>Multikey</c> with <c>publicKeyMultibase</c> (Controlled Identifiers 1.0): the default.</summary>
    Multikey,

    /// <summary><c>JsonWebKey2020</c> with <c>publicKeyJwk</c>.</summary>
    JsonWebKey2020,

    /// <summary><c>Ed25519VerificationKey2020</c> / <c>X25519KeyAgreementKey2020</c> with <c>publicKeyMultibase</c>.</summary>
    Ed25519VerificationKey2020,
}
