namespace IdentityEhr.Storage;

/// <summary>An append expected a stream version that is not the stream's current version (optimistic concurrency).</summary>
public sealed class StreamVersionConflictException : StorageException
{
    internal StreamVersionConflictException(string streamId, string expected, long actual)
        : base($"stream '{streamId}' is at version {actual}, not {expected}", null)
    {
        StreamId = streamId;
        ActualVersion = actual;
    }

    /// <summary>Gets the stream.</summary>
    public string StreamId { get; }

    /// <summary>Gets the stream's version at the time of the append; 0 when it does not exist.</summary>
    public long ActualVersion { get; }

    /// <inheritdoc/>
    public override bool IsTransient => false;
}
