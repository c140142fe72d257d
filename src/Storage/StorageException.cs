namespace IdentityEhr.Storage;

/// <summary>Base of the exceptions this library throws for infrastructure and invariant failures.</summary>
/// <remarks>Database exceptions are kept as the <see cref="Exception.InnerException"/>; messages never carry secrets.</remarks>
public abstract class StorageException : Exception
{
    private protected StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value saying whether the same operation may succeed if retried later.</summary>
    public abstract bool IsTransient { get; }
}
