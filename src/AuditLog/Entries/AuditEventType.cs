namespace IdentityEhr.AuditLog.Entries;

/// <summary>The facts the audit log records (DESIGN.md, "The flows"); the entry's <c>type</c> member spells them as here.</summary>
public enum AuditEventType
{
    /// <summary>A provider stored a record (or a new version of one) for a patient.</summary>
    RecordStored,

    /// <summary>A patient's consent credential was registered with the service.</summary>
    ConsentRegistered,

    /// <summary>A consent-gated access was granted and the record's key released to the requester.</summary>
    AccessGranted,

    /// <summary>An access was refused; <see cref="AuditEntry.Reason"/> says why.</summary>
    AccessDenied,

    /// <summary>A break-glass access without consent under an accreditation credential; always a security alert.</summary>
    EmergencyAccess,

    /// <summary>A consent was revoked (its status bit set).</summary>
    ConsentRevoked,

    /// <summary>A record was erased by destroying its keys and ciphertext (crypto-shredding).</summary>
    RecordErased,

    /// <summary>The service submitted a tree head to the anchor contract (or replaced a stuck submission with a higher fee); <c>anchor</c> says which.</summary>
    AnchorSubmitted,

    /// <summary>An anchor transaction reached finality on the chain; <c>anchor</c> says where.</summary>
    AnchorConfirmed,

    /// <summary>A chain reorganisation dropped an anchor transaction's block; the tree head is anchored again.</summary>
    AnchorReorged,
}
