namespace IdentityEhr.Api.Log;

/// <summary>An RFC 9162 proof as JSON: hashes in standard base64.</summary>
/// <param name="LeafIndex">The leaf index (inclusion proofs).</param>
/// <param name="OldSize">The older tree size (consistency proofs).</param>
/// <param name="TreeSize">The tree size the proof leads to.</param>
/// <param name="Hashes">The proof's hashes in RFC 9162 order.</param>
internal sealed record ProofResponse(ulong? LeafIndex, ulong? OldSize, ulong TreeSize, IReadOnlyList<string> Hashes);
