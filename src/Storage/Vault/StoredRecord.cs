namespace IdentityEhr.Storage.Vault;

/// <summary>A stored record version's metadata: no content, no key.</summary>
/// <param name="RecordId">The record's id (a UUIDv7, lowercase), the same for all its versions.</param>
/// <param name="Version">The version, from 1.</param>
/// <param name="Patient">The patient's DID.</param>
/// <param name="Author">The DID of whoever stored it.</param>
/// <param name="ResourceType">The FHIR resource type.</param>
/// <param name="ContentId">The ciphertext's content id (CIDv1 raw sha2-256, base32).</param>
/// <param name="Length">The ciphertext's length in bytes.</param>
/// <param name="EventId">The <c>RecordStored</c> event's id (its receipt's key).</param>
/// <param name="Position">The event's position: its leaf index in the audit log.</param>
/// <param name="StoredAt">When it was stored.</param>
public sealed record StoredRecord(
    string RecordId, int Version, string Patient, string Author, string ResourceType, string ContentId, int Length, Guid EventId, long Position,
    DateTimeOffset StoredAt)
{
    /// <summary>Gets the version's address (record id, patient, resource type, version): the associated data its ciphertext and wrapped key are bound to.</summary>
    public RecordAddress Address => new(RecordId, Patient, ResourceType, Version);
}
