namespace IdentityEhr.Storage.Vault;

/// <summary>Why the vault refused an operation; each has its own message, and none carries record content or key material.</summary>
public enum VaultError
{
    /// <summary>No record (or no such version of it) is stored.</summary>
    NotFound,

    /// <summary>The record was erased: its keys and ciphertext are gone, and nothing of it can be read again.</summary>
    Erased,

    /// <summary>A key release was asked for without a granted decision.</summary>
    NotGranted,

    /// <summary>The decision was made for another patient, record or resource type than the record asked for.</summary>
    RequestMismatch,

    /// <summary>A new version names another patient than the record's.</summary>
    PatientMismatch,

    /// <summary>A new version has another FHIR resource type than the record's.</summary>
    ResourceTypeMismatch,

    /// <summary>The record is empty or larger than <see cref="RecordVault.MaxRecordBytes"/>.</summary>
    InvalidSize,

    /// <summary>Another version of the record was stored (or it was erased) at the same time; read it and try again.</summary>
    VersionConflict,

    /// <summary>The version's ciphertext is missing from the blob store.</summary>
    CiphertextMissing,

    /// <summary>The stored ciphertext does not hash to its content id: it was altered.</summary>
    CiphertextAltered,

    /// <summary>The stored data key does not unwrap: it was altered, or moved from another record version.</summary>
    KeyUnwrapFailed,

    /// <summary>The data key is wrapped by a custody key this vault does not hold.</summary>
    UnknownCustodyKey,

    /// <summary>The recipient key is not an X25519 key-agreement key.</summary>
    InvalidRecipient,
}
