namespace IdentityEhr.Ethereum.Rpc;

/// <summary>An <c>eth_getLogs</c> query over a closed block range.</summary>
/// <param name="Address">The contract, or <see langword="null"/> for any.</param>
/// <param name="Topics">Per position: <see langword="null"/> for any, or the accepted 32-byte values (any of them).</param>
/// <param name="FromBlock">The first block.</param>
/// <param name="ToBlock">The last block (inclusive).</param>
public sealed record LogFilter(Address? Address, IReadOnlyList<IReadOnlyList<byte[]>?> Topics, ulong FromBlock, ulong ToBlock);
