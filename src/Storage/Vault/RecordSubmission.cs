namespace IdentityEhr.Storage.Vault;

/// <summary>A record (or a new version of one) to store: FHIR R4 JSON the caller has validated, for a patient, by an author.</summary>
/// <param name="Patient">The patient's DID.</param>
/// <param name="Author">The DID of whoever stores it (a provider); the <c>RecordStored</c> event's actor.</param>
/// <param name="ResourceType">The FHIR resource type (for a Bundle, <c>Bundle</c>).</param>
/// <param name="Content">The exact bytes to keep; a read gives them back byte for byte.</param>
public sealed record RecordSubmission(string Patient, string Author, string ResourceType, ReadOnlyMemory<byte> Content)
{
    /// <summary>Gets the record a new version is for, or <see langword="null"/> for a new record.</summary>
    public string? RecordId { get; init; }
}
