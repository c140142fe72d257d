using IdentityEhr.Ethereum;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>
/// What an auditor pins before believing an anchored receipt: the service's DID, and its anchor contract or the ERC-1056 registry
/// of its chain (or both). Everything else is read from the chain.
/// </summary>
/// <remarks>
/// Without a pinned DID a receipt could name any DID and any contract, including a forger's own. Without a pinned contract or
/// registry, a fresh registry (in which a key rotated away long ago still owns the identity) or a second anchor contract of the
/// operator's would carry a history of its own. Pinning the contract (the CLI requires it) also lets the monitor see every anchor.
/// </remarks>
public sealed record AnchorTrust
{
    /// <summary>Gets the service DID the receipt's anchor must name (did:ethr).</summary>
    public required string ServiceDid { get; init; }

    /// <summary>Gets the AuditAnchor contract the anchor must come from, or <see langword="null"/> for any contract bound to the DID and the pinned registry.</summary>
    public Address? Contract { get; init; }

    /// <summary>Gets the ERC-1056 registry of the DID's chain, or <see langword="null"/> to take the pinned contract's.</summary>
    public Address? Registry { get; init; }

    /// <summary>Gets the log origin the checkpoint must carry, or <see langword="null"/> for any.</summary>
    public string? Origin { get; init; }

    /// <summary>Gets when the anchor's block counts as final.</summary>
    public AnchorFinality Finality { get; init; } = AnchorFinality.FinalizedTag;
}
