namespace IdentityEhr.Ethereum.Rpc;

/// <summary>An event log as <c>eth_getLogs</c> and receipts return it.</summary>
/// <param name="Address">The contract that emitted it.</param>
/// <param name="Topics">The topics, each 32 bytes; topic 0 is the event signature hash for non-anonymous events.</param>
/// <param name="Data">The non-indexed data.</param>
/// <param name="BlockNumber">The block number.</param>
/// <param name="BlockHash">The block hash.</param>
/// <param name="TransactionHash">The transaction hash.</param>
/// <param name="LogIndex">The log's index in the block.</param>
/// <param name="Removed"><see langword="true"/> when a reorg removed the log (subscriptions only).</param>
public sealed record LogEntry(
    Address Address,
    IReadOnlyList<byte[]> Topics,
    byte[] Data,
    ulong BlockNumber,
    string BlockHash,
    string TransactionHash,
    ulong LogIndex,
    bool Removed);
