namespace IdentityEhr.Ethereum.Contracts;

/// <summary>An <c>Anchored(seq, root, treeSize)</c> event and where it is on the chain.</summary>
/// <param name="Sequence">The anchor's sequence number (0 for the first).</param>
/// <param name="Root">The 32-byte tree root.</param>
/// <param name="TreeSize">The tree size.</param>
/// <param name="BlockNumber">The block.</param>
/// <param name="BlockHash">The block hash.</param>
/// <param name="TransactionHash">The transaction.</param>
/// <param name="LogIndex">The log's index in the block.</param>
public sealed record Anchored(ulong Sequence, byte[] Root, ulong TreeSize, ulong BlockNumber, string BlockHash, string TransactionHash, ulong LogIndex);
