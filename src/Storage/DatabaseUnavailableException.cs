namespace IdentityEhr.Storage;

/// <summary>PostgreSQL could not be reached or refused the connection.</summary>
public sealed class DatabaseUnavailableException : StorageException
{
    internal DatabaseUnavailableException(string message, bool isTransient, Exception? innerException)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <inheritdoc/>
    public override bool IsTransient { get; }
}
