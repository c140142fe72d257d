namespace IdentityEhr.Credentials.DataIntegrity;

/// <summary>Why a Data Integrity proof is not accepted (VC Data Integrity 1.0 §4; EdDSA Cryptosuites 1.0 §3.3).</summary>
public enum DataIntegrityError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The secured document is not a JSON object, or is not I-JSON.</summary>
    MalformedDocument,

    /// <summary>The document has no <c>proof</c>, or more than one (proof sets and chains are not accepted here).</summary>
    ProofMissing,

    /// <summary>The proof lacks a required member, has one of the wrong type, or a timestamp that is not XML Schema dateTime.</summary>
    MalformedProof,

    /// <summary>The proof's <c>type</c> is not <c>DataIntegrityProof</c> or its <c>cryptosuite</c> is not <c>eddsa-jcs-2022</c>.</summary>
    UnsupportedCryptosuite,

    /// <summary>The proof's <c>@context</c> is not a prefix of the document's (EdDSA Cryptosuites §3.3.2).</summary>
    ContextMismatch,

    /// <summary>The <c>proofValue</c> is not a base58btc multibase string of 64 bytes.</summary>
    InvalidProofValue,

    /// <summary>The verification key is not an Ed25519 key.</summary>
    WrongKeyType,

    /// <summary>The Ed25519 signature does not verify over the hash data.</summary>
    SignatureInvalid,
}
