using IdentityEhr.AuditLog.Entries;

namespace IdentityEhr.Storage.Events;

/// <summary>An event as stored: its entry, where it sits in its stream and in the log, and when it was committed.</summary>
/// <param name="Position">The global position: the Merkle leaf index.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="StreamVersion">The event's version in its stream, from 1.</param>
/// <param name="Entry">The audit entry.</param>
/// <param name="EntryBytes">The entry's canonical bytes, exactly as stored and hashed into the tree.</param>
/// <param name="RecordedAt">The database time at which the group commit that stored the event began (PostgreSQL <c>now()</c>).</param>
public sealed record RecordedEvent(long Position, string StreamId, long StreamVersion, AuditEntry Entry, ReadOnlyMemory<byte> EntryBytes, DateTimeOffset RecordedAt);
