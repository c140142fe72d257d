using System.Numerics;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>EIP-1559 fees to offer for the next block.</summary>
/// <param name="MaxFeePerGas">The most paid per gas: twice the next base fee plus the tip, so the offer survives a few full blocks.</param>
/// <param name="MaxPriorityFeePerGas">The tip per gas.</param>
/// <param name="NextBaseFeePerGas">The next block's base fee as the node predicts it.</param>
public sealed record FeeEstimate(BigInteger MaxFeePerGas, BigInteger MaxPriorityFeePerGas, BigInteger NextBaseFeePerGas);
