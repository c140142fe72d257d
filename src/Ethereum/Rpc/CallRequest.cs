using System.Numerics;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>A message call for <c>eth_call</c> and <c>eth_estimateGas</c>.</summary>
/// <param name="From">The sender, or <see langword="null"/>.</param>
/// <param name="To">The contract called, or <see langword="null"/> to estimate a contract creation.</param>
/// <param name="Data">The call data.</param>
/// <param name="Value">Wei sent with the call, or <see langword="null"/> for none.</param>
public sealed record CallRequest(Address? From, Address? To, byte[] Data, BigInteger? Value = null);
