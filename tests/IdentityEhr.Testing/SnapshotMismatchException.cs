namespace IdentityEhr.Testing;

/// <summary>A snapshot has no approved file or differs from it; the message holds the diff.</summary>
public sealed class SnapshotMismatchException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">What differs and where the received file is.</param>
    public SnapshotMismatchException(string message)
        : base(message)
    {
    }
}
