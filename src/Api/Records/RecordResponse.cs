using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Api.Records;

/// <summary>A stored record version as the API shows it: metadata only, never content or keys.</summary>
/// <param name="Record">The record's id (UUIDv7), the same for all its versions.</param>
/// <param name="Version">The version, from 1.</param>
/// <param name="Patient">The patient's DID.</param>
/// <param name="Author">The DID that stored this version.</param>
/// <param name="ResourceType">The FHIR resource type.</param>
/// <param name="RecordType">The record type (<c>diagnosis</c>, <c>lab-result</c>, <c>prescription</c>, <c>imaging</c>, <c>vaccination</c>, <c>surgery</c>, <c>other</c>).</param>
/// <param name="ContentId">The ciphertext's content id (CIDv1 raw sha2-256).</param>
/// <param name="Length">The ciphertext's length in bytes.</param>
/// <param name="Event">The <c>RecordStored</c> event's id.</param>
/// <param name="Position">The event's leaf index in the audit log.</param>
/// <param name="StoredAt">When it was stored.</param>
/// <param name="Receipt">Where the event's receipt is served.</param>
internal sealed record RecordResponse(
    string Record, int Version, string Patient, string Author, string ResourceType, string RecordType, string ContentId, int Length, Guid Event,
    long Position, DateTimeOffset StoredAt, string Receipt)
{
    public static RecordResponse From(StoredRecord stored) => new(
        stored.RecordId, stored.Version, stored.Patient, stored.Author, stored.ResourceType,
        IdentityEhr.Fhir.Records.RecordTypes.WireName(IdentityEhr.Fhir.Records.RecordTypes.Of(stored.ResourceType)), stored.ContentId, stored.Length,
        stored.EventId, stored.Position, stored.StoredAt, $"/log/receipts/{stored.EventId}");
}

/// <summary>What an erasure destroyed.</summary>
/// <param name="Records">Each erased record with its <c>RecordErased</c> event.</param>
/// <param name="Versions">How many versions' keys and ciphertexts were destroyed.</param>
internal sealed record ErasureResponse(IReadOnlyList<ErasedRecordResponse> Records, int Versions);

/// <summary>One erased record.</summary>
/// <param name="Record">The record's id.</param>
/// <param name="Event">Its <c>RecordErased</c> event's id.</param>
/// <param name="Position">The event's leaf index.</param>
/// <param name="Receipt">Where the event's receipt is served.</param>
internal sealed record ErasedRecordResponse(string Record, Guid Event, long Position, string Receipt);
