namespace IdentityEhr.Storage;

/// <summary>Whether a receipt could be built for an event.</summary>
public enum ReceiptStatus
{
    /// <summary>The receipt is ready.</summary>
    Ready,

    /// <summary>No event has that id.</summary>
    UnknownEvent,

    /// <summary>The event is in the log, but no signed checkpoint covers it yet; one follows within the checkpoint interval.</summary>
    NotYetCheckpointed,
}
