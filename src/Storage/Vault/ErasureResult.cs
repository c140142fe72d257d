namespace IdentityEhr.Storage.Vault;

/// <summary>What an erasure destroyed.</summary>
/// <param name="Records">The records erased, each with its <c>RecordErased</c> event.</param>
/// <param name="Versions">How many versions' wrapped keys and ciphertexts were destroyed.</param>
public sealed record ErasureResult(IReadOnlyList<ErasedRecord> Records, int Versions);

/// <summary>One erased record.</summary>
/// <param name="RecordId">The record's id.</param>
/// <param name="EventId">Its <c>RecordErased</c> event's id.</param>
/// <param name="Position">The event's position in the log.</param>
public sealed record ErasedRecord(string RecordId, Guid EventId, long Position);
