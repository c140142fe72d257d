namespace IdentityEhr.Storage.Vault;

/// <summary>The vault refused an operation; <see cref="Error"/> says why. Nothing stored was changed by the refusal.</summary>
public sealed class RecordVaultException : StorageException
{
    /// <summary>Makes the exception.</summary>
    /// <param name="error">Why.</param>
    /// <param name="message">A one-line message naming the record and the rule, never its content or keys.</param>
    public RecordVaultException(VaultError error, string message)
        : base(message, null)
    {
        Error = error;
    }

    /// <summary>Gets why the vault refused.</summary>
    public VaultError Error { get; }

    /// <inheritdoc/>
    public override bool IsTransient => Error == VaultError.VersionConflict;
}
