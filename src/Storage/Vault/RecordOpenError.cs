namespace IdentityEhr.Storage.Vault;

/// <summary>Why a requester could not open a released record; every failure gives no plaintext.</summary>
public enum RecordOpenError
{
    /// <summary>Opened.</summary>
    None,

    /// <summary>The ciphertext does not hash to the record's content id: it was altered on the way or in the store.</summary>
    CiphertextAltered,

    /// <summary>The JWE does not decrypt with this key: it was wrapped to another recipient (or altered).</summary>
    WrongRecipientKey,

    /// <summary>The JWE's content is not a 256-bit AES-GCM key (JWK).</summary>
    MalformedKey,

    /// <summary>The ciphertext is intact but does not open under the stated record id, patient, resource type and version: wrong associated data.</summary>
    AssociatedDataMismatch,
}
