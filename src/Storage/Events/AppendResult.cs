namespace IdentityEhr.Storage.Events;

/// <summary>Where appended events landed.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="FirstVersion">The stream version of the first event appended (versions count from 1).</param>
/// <param name="FirstPosition">The global position, which is also the Merkle leaf index, of the first event appended.</param>
/// <param name="Count">How many events; they have consecutive versions and consecutive positions.</param>
/// <param name="AlreadyAppended"><see langword="true"/> when the same events (by id) had been appended before, so nothing new was written.</param>
public sealed record AppendResult(string StreamId, long FirstVersion, long FirstPosition, int Count, bool AlreadyAppended)
{
    /// <summary>Gets the stream version after the append.</summary>
    public long LastVersion => FirstVersion + Count - 1;

    /// <summary>Gets the global position of the last event appended.</summary>
    public long LastPosition => FirstPosition + Count - 1;
}
