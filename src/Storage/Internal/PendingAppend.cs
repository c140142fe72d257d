using System.Collections.Immutable;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Storage.Events;

namespace IdentityEhr.Storage.Internal;

/// <summary>An append waiting for the writer: canonical bytes and leaf hashes are computed by the caller, off the writer's path.</summary>
internal sealed record PendingAppend(string StreamId, ExpectedVersion Expected, ImmutableArray<PendingEvent> Events)
{
    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal readonly record struct PendingEvent(AuditEntry Entry, byte[] Bytes, TreeHash LeafHash)
{
    public Guid Id => Entry.Id;

    public string Type => Entry.Type.ToString();
}
