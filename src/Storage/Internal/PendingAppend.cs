using System.Collections.Immutable;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Storage.Events;

namespace IdentityEhr.Storage.Internal;

/// <summary>An append waiting for the writer: canonical bytes and leaf hashes are computed by the caller, off the writer's path.</summary>
internal sealed record PendingAppend(string StreamId, ExpectedVersion Expected, ImmutableArray<PendingEvent> Events)
{
    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the bytes the append's vault rows carry (ciphertexts), which bound a commit as events do.</summary>
    public long AttachmentBytes { get; } = Events.Sum(e => (long)(e.Attachment?.Blob?.Length ?? 0));
}

/// <param name="Entry">The audit entry.</param>
/// <param name="Bytes">Its canonical bytes.</param>
/// <param name="LeafHash">Its leaf hash.</param>
/// <param name="Attachment">The vault row written in the same transaction, for a <c>RecordStored</c> event of the vault.</param>
internal readonly record struct PendingEvent(AuditEntry Entry, byte[] Bytes, TreeHash LeafHash, VaultAttachment? Attachment = null)
{
    public Guid Id => Entry.Id;

    public string Type => Entry.Type.ToString();
}

/// <summary>A record version's vault row (and, for the PostgreSQL backend, its ciphertext), committed with its event or not at all.</summary>
internal sealed record VaultAttachment(
    string RecordId, int Version, string Patient, string Author, string ResourceType, string ContentId, int Length,
    string CustodyKeyId, byte[] WrappedKey, byte[]? Blob);
