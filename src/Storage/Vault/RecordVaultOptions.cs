namespace IdentityEhr.Storage.Vault;

/// <summary>The record vault's settings.</summary>
public sealed record RecordVaultOptions
{
    /// <summary>Gets the custody keys: the current one wraps new data keys.</summary>
    public required CustodyKeyRing CustodyKeys { get; init; }

    /// <summary>
    /// Gets the folder ciphertexts are kept in (the directory backend), or <see langword="null"/> to keep them in PostgreSQL
    /// (the default), in the same transaction as their event.
    /// </summary>
    public string? BlobDirectory { get; init; }

    /// <summary>Gets the clock that stamps events.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
