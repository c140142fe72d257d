using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.Storage.Events;

/// <summary>The integrated tree as committed: its size and its RFC 9162 root.</summary>
/// <param name="TreeSize">The number of leaves (= events).</param>
/// <param name="Root">The root hash.</param>
public readonly record struct TreeState(ulong TreeSize, TreeHash Root);
