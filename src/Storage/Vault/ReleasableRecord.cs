namespace IdentityEhr.Storage.Vault;

/// <summary>
/// A stored version as read for a release (<see cref="RecordVault.FindReleasableAsync"/>): its metadata, and, held inside, its
/// wrapped key and ciphertext, so that <see cref="RecordVault"/> releases it without reading it again. Nothing in it is usable
/// without the vault's custody key, and the release still reads the version after its <c>AccessGranted</c> append.
/// </summary>
public sealed class ReleasableRecord
{
    internal ReleasableRecord(RecordVault.StoredVersion version)
    {
        Version = version;
    }

    /// <summary>Gets the version's metadata.</summary>
    public StoredRecord Record => Version.Record;

    internal RecordVault.StoredVersion Version { get; }
}
