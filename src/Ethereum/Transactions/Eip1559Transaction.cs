using System.Collections.Immutable;
using System.Numerics;
using IdentityEhr.Ethereum.Rlp;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>An EIP-1559 (type 2) transaction: a fee cap and a priority fee instead of a gas price, and an access list.</summary>
/// <remarks>
/// EIP-1559 §Specification: <c>0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data,
/// accessList, yParity, r, s])</c>, with <c>maxPriorityFeePerGas ≤ maxFeePerGas</c>. Access list: EIP-2930.
/// </remarks>
public sealed class Eip1559Transaction : Transaction
{
    /// <summary>Creates an EIP-1559 transaction.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="nonce">The sender's nonce.</param>
    /// <param name="maxPriorityFeePerGas">The most wei per gas paid to the block producer, at most <paramref name="maxFeePerGas"/>.</param>
    /// <param name="maxFeePerGas">The most wei per gas paid in all (base fee plus priority fee), in <c>[0, 2^256)</c>.</param>
    /// <param name="gasLimit">The most gas the transaction may use.</param>
    /// <param name="to">The recipient, or <see langword="null"/> to create a contract.</param>
    /// <param name="value">The wei to send, in <c>[0, 2^256)</c>.</param>
    /// <param name="data">The call data or init code; copied.</param>
    /// <param name="accessList">The access list, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A fee or <paramref name="value"/> is outside <c>[0, 2^256)</c>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="maxPriorityFeePerGas"/> is greater than <paramref name="maxFeePerGas"/>, or <paramref name="gasLimit"/> ×
    /// <paramref name="maxFeePerGas"/> is 2^256 or more.
    /// </exception>
    /// <exception cref="ArgumentNullException">An access list entry is <see langword="null"/>.</exception>
    public Eip1559Transaction(
        ulong chainId,
        ulong nonce,
        BigInteger maxPriorityFeePerGas,
        BigInteger maxFeePerGas,
        ulong gasLimit,
        Address? to,
        BigInteger value,
        ReadOnlySpan<byte> data,
        IEnumerable<AccessListEntry>? accessList = null)
        : base(chainId, nonce, gasLimit, to, value, data)
    {
        TransactionRules.ThrowIfNotUInt256(maxPriorityFeePerGas, nameof(maxPriorityFeePerGas));
        TransactionRules.ThrowIfNotUInt256(maxFeePerGas, nameof(maxFeePerGas));
        if (maxPriorityFeePerGas > maxFeePerGas)
        {
            throw new ArgumentException("The priority fee cannot exceed the maximum fee.", nameof(maxPriorityFeePerGas));
        }

        if (TransactionRules.GasFeeProductOverflows(gasLimit, maxFeePerGas))
        {
            throw new ArgumentException("Gas limit × maximum fee must be below 2^256.", nameof(maxFeePerGas));
        }

        var entries = accessList is null ? [] : ImmutableArray.CreateRange(accessList);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(accessList));
        }

        MaxPriorityFeePerGas = maxPriorityFeePerGas;
        MaxFeePerGas = maxFeePerGas;
        AccessList = entries;
    }

    /// <inheritdoc/>
    public override TransactionType Type => TransactionType.Eip1559;

    /// <summary>Gets the most wei per gas paid to the block producer.</summary>
    public BigInteger MaxPriorityFeePerGas { get; }

    /// <summary>Gets the most wei per gas paid in all.</summary>
    public BigInteger MaxFeePerGas { get; }

    /// <summary>Gets the access list (EIP-2930), empty when there is none.</summary>
    public ImmutableArray<AccessListEntry> AccessList { get; }

    /// <inheritdoc/>
    internal override BigInteger GetV(int yParity) => yParity;

    /// <inheritdoc/>
    private protected override RlpItem[] EncodeFields() =>
    [
        RlpString.FromUInt64(ChainId!.Value),
        RlpString.FromUInt64(Nonce),
        RlpString.FromInteger(MaxPriorityFeePerGas),
        RlpString.FromInteger(MaxFeePerGas),
        RlpString.FromUInt64(GasLimit),
        EncodeTo(To),
        RlpString.FromInteger(Value),
        new RlpString(Data.AsSpan()),
        new RlpList(AccessList.Select(entry => (RlpItem)new RlpList(
            new RlpString(entry.Address.ToBytes()),
            new RlpList(entry.StorageKeys.Select(key => (RlpItem)new RlpString(key.AsSpan())))))),
    ];
}
