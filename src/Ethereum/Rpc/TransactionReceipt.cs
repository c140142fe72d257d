namespace IdentityEhr.Ethereum.Rpc;

/// <summary>The parts of a transaction receipt (<c>eth_getTransactionReceipt</c>) that the service uses.</summary>
/// <param name="TransactionHash">The transaction hash, <c>0x</c> and 64 hexadecimal digits.</param>
/// <param name="BlockNumber">The number of the block that includes the transaction.</param>
/// <param name="BlockHash">The hash of that block.</param>
/// <param name="Succeeded"><see langword="true"/> when the status is 1; <see langword="false"/> when it reverted.</param>
/// <param name="ContractAddress">The created contract, or <see langword="null"/> when the transaction created none.</param>
/// <param name="GasUsed">Gas used by this transaction.</param>
/// <param name="From">The sender.</param>
/// <param name="Logs">The logs the transaction emitted.</param>
public sealed record TransactionReceipt(
    string TransactionHash,
    ulong BlockNumber,
    string BlockHash,
    bool Succeeded,
    Address? ContractAddress,
    ulong GasUsed,
    Address From,
    IReadOnlyList<LogEntry> Logs);
