using System.Numerics;
using IdentityEhr.Ethereum;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>How the <see cref="Anchorer"/> anchors: where, how often, when an anchor is final, and how it prices transactions.</summary>
public sealed record AnchorerOptions
{
    /// <summary>Gets the service's did:ethr DID (the entries' actor, and the identity the contract is bound to).</summary>
    public required string ServiceDid { get; init; }

    /// <summary>Gets the chain id.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>Gets the AuditAnchor contract.</summary>
    public required Address Contract { get; init; }

    /// <summary>Gets the anchoring period: a new anchor at most this often, and only when the tree grew (10 minutes by default).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets how often submissions are checked for inclusion, finality and reorganisations (15 seconds by default).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets how long a submission may stay unmined before it is replaced with a higher fee (3 minutes by default).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Gets the fee factor of a replacement, in percent of the stuck one's fees (nodes require at least 110).</summary>
    public int FeeBumpPercent { get; init; } = 125;

    /// <summary>Gets when an anchor's block counts as final.</summary>
    public AnchorFinality Finality { get; init; } = AnchorFinality.FinalizedTag;

    /// <summary>Gets how many blocks back confirmed anchors are re-checked for reorganisations (256 by default).</summary>
    public ulong ReorgWatchBlocks { get; init; } = 256;

    /// <summary>Gets the smallest tip offered per gas, in wei (1 gwei by default).</summary>
    public BigInteger MinimumPriorityFeePerGas { get; init; } = 1_000_000_000;

    /// <summary>Gets the largest fee cap a replacement may reach, in wei (500 gwei by default): beyond it the anchorer waits.</summary>
    public BigInteger MaximumFeePerGas { get; init; } = 500_000_000_000;
}
