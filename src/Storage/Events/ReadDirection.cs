namespace IdentityEhr.Storage.Events;

/// <summary>Which way a read walks a stream or the log.</summary>
public enum ReadDirection
{
    /// <summary>Oldest first, from the given version or position upwards.</summary>
    Forward,

    /// <summary>Newest first, from the given version or position downwards.</summary>
    Backward,
}
