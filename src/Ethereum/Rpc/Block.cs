using System.Numerics;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>The parts of a block header the service uses.</summary>
/// <param name="Number">The block number.</param>
/// <param name="Hash">The block hash (<c>0x</c> + 64 hex digits, lowercase).</param>
/// <param name="ParentHash">The parent block's hash.</param>
/// <param name="Timestamp">The block time.</param>
/// <param name="BaseFeePerGas">The EIP-1559 base fee in wei, or <see langword="null"/> before London.</param>
public sealed record Block(ulong Number, string Hash, string ParentHash, DateTimeOffset Timestamp, BigInteger? BaseFeePerGas);
