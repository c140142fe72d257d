namespace IdentityEhr.Storage;

/// <summary>An event id was appended before as part of something else; a retry must resend exactly the same events.</summary>
public sealed class DuplicateEventException : StorageException
{
    internal DuplicateEventException(Guid eventId)
        : base($"event {eventId} was already appended, with other events or to another stream", null)
    {
        EventId = eventId;
    }

    /// <summary>Gets the id that was already used.</summary>
    public Guid EventId { get; }

    /// <inheritdoc/>
    public override bool IsTransient => false;
}
