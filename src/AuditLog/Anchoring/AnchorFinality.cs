using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using IdentityEhr.Ethereum.Rpc;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>
/// When a block counts as final: at or below the node's <c>finalized</c> block (proof-of-stake chains), or a number of
/// confirmations deep where a chain has no finality tag.
/// </summary>
public readonly record struct AnchorFinality
{
    private readonly ulong _confirmations;

    private AnchorFinality(ulong confirmations) => _confirmations = confirmations;

    /// <summary>Gets the rule "at or below the <c>finalized</c> block".</summary>
    public static AnchorFinality FinalizedTag => default;

    /// <summary>Gets the number of confirmations required, or <see langword="null"/> for the <c>finalized</c> tag.</summary>
    public ulong? Confirmations => _confirmations == 0 ? null : _confirmations;

    /// <summary>The rule "this many confirmations": a block is final once <c>latest − block + 1 ≥ confirmations</c>.</summary>
    /// <param name="confirmations">At least 1 (1 = mined).</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confirmations"/> is 0.</exception>
    public static AnchorFinality Depth(ulong confirmations)
    {
        ArgumentOutOfRangeException.ThrowIfZero(confirmations);
        return new AnchorFinality(confirmations);
    }

    /// <summary>Parses <c>finalized</c> or a positive number of confirmations.</summary>
    /// <param name="text">The text.</param>
    /// <param name="finality">The rule, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the text is one of the two forms.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out AnchorFinality finality)
    {
        finality = default;
        if (text == "finalized")
        {
            return true;
        }

        if (text is { Length: > 0 and <= 6 } && text.All(char.IsAsciiDigit) && text[0] != '0')
        {
            finality = Depth(ulong.Parse(text, CultureInfo.InvariantCulture));
            return true;
        }

        return false;
    }

    /// <summary>Returns the highest final block number by this rule.</summary>
    /// <param name="client">The chain's client.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The number, or <see langword="null"/> when no block is final yet.</returns>
    /// <exception cref="EthereumRpcException">The node failed, or does not know the <c>finalized</c> tag.</exception>
    public async Task<ulong?> FinalizedBlockAsync(EthereumRpcClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (Confirmations is { } depth)
        {
            var latest = await client.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
            return latest + 1 >= depth ? latest + 1 - depth : null;
        }

        // A node without the tag answers with an error; one with nothing finalized yet answers null.
        var block = await client.GetBlockAsync(BlockTag.Finalized, cancellationToken).ConfigureAwait(false);
        return block?.Number;
    }

    /// <inheritdoc/>
    public override string ToString() => Confirmations switch
    {
        null => "finalized",
        1 => "1 confirmation",
        var depth => depth.Value.ToString(CultureInfo.InvariantCulture) + " confirmations",
    };
}
