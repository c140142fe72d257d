namespace IdentityEhr.Storage.Projections;

/// <summary>What the log says about one stored record.</summary>
/// <param name="Record">The record's content id.</param>
/// <param name="Patient">The patient's DID.</param>
/// <param name="Versions">How many <c>RecordStored</c> events name it.</param>
/// <param name="FirstPosition">The position of the first of them.</param>
/// <param name="LastPosition">The position of the latest of them.</param>
/// <param name="ErasedPosition">The position of its <c>RecordErased</c> event, when it was erased.</param>
public sealed record RecordIndexEntry(string Record, string? Patient, int Versions, long? FirstPosition, long? LastPosition, long? ErasedPosition)
{
    /// <summary>Gets a value saying whether the record was erased.</summary>
    public bool IsErased => ErasedPosition is not null;
}
