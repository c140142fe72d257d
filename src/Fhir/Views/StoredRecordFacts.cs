namespace IdentityEhr.Fhir.Views;

/// <summary>What the service knows about one stored record version, for its Provenance; no health data.</summary>
/// <param name="RecordId">The record's id, a lowercase UUID (the same across versions).</param>
/// <param name="Version">The version stored, from 1.</param>
/// <param name="ResourceType">The record's FHIR resource type, such as <c>Observation</c>.</param>
/// <param name="Patient">The patient's DID.</param>
/// <param name="Author">The DID of the provider who stored it.</param>
/// <param name="Recorded">When it was stored.</param>
/// <param name="ContentId">The content id (CIDv1, <c>bafkrei…</c>) of the stored ciphertext.</param>
/// <param name="EventId">The id of the audit entry that recorded the store; it becomes the Provenance's id.</param>
public sealed record StoredRecordFacts(
    string RecordId, int Version, string ResourceType, string Patient, string Author, DateTimeOffset Recorded, string ContentId, Guid EventId);
