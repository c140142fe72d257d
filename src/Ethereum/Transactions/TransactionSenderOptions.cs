using System.Numerics;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>How a <see cref="TransactionSender"/> prices, retries and waits.</summary>
public sealed record TransactionSenderOptions
{
    /// <summary>Gets the smallest tip offered per gas, in wei (1 gwei by default).</summary>
    public BigInteger MinimumPriorityFeePerGas { get; init; } = 1_000_000_000;

    /// <summary>Gets the factor applied to the node's gas estimate, in percent (130 = estimate × 1.3).</summary>
    /// <remarks>Estimates can fall short, for example under the EIP-7623 calldata floor; a reverted transaction still costs gas.</remarks>
    public int GasEstimatePercent { get; init; } = 130;

    /// <summary>Gets how often a send is retried after a nonce race or a transient node failure.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Gets how long to wait for a receipt.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
