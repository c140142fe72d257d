namespace IdentityEhr.AuditLog.Entries;

/// <summary>Why bytes are not a valid audit entry, or an entry cannot be written.</summary>
public enum AuditEntryError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The bytes are longer than <see cref="AuditEntry.MaxLength"/>.</summary>
    TooLong,

    /// <summary>The bytes are not a JSON object.</summary>
    MalformedJson,

    /// <summary>The bytes are JSON but not in their JCS canonical form, so they cannot be the bytes that were hashed.</summary>
    NotCanonical,

    /// <summary>A member this version does not define is present.</summary>
    UnknownMember,

    /// <summary>A required member is missing or a member has the wrong JSON type.</summary>
    MissingOrMistyped,

    /// <summary>The <c>type</c> is not one of <see cref="AuditEventType"/>.</summary>
    UnknownType,

    /// <summary>A DID member is not a DID.</summary>
    InvalidDid,

    /// <summary>A hash member is not 64 lowercase hex characters.</summary>
    InvalidHash,

    /// <summary>The time is not an RFC 3339 UTC time with millisecond precision.</summary>
    InvalidTime,

    /// <summary>An identifier member (record, consent, version, purpose, reason) is empty, too long or not printable ASCII.</summary>
    InvalidIdentifier,
}
