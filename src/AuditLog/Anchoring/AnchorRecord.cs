using System.Numerics;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Ethereum;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>One anchor transaction as the log's anchoring events describe it (the <c>anchors</c> projection).</summary>
/// <param name="Transaction">The transaction hash.</param>
/// <param name="ChainId">The chain id.</param>
/// <param name="Contract">The AuditAnchor contract.</param>
/// <param name="ServiceDid">The service DID that anchored.</param>
/// <param name="Submitter">The sending account.</param>
/// <param name="TreeSize">The tree size anchored.</param>
/// <param name="Root">The root anchored.</param>
/// <param name="Nonce">The transaction's nonce.</param>
/// <param name="MaxFeePerGas">The fee cap offered, in wei.</param>
/// <param name="MaxPriorityFeePerGas">The tip offered, in wei.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Reason">Why it was reorged, if it was.</param>
/// <param name="BlockNumber">The block it was confirmed in.</param>
/// <param name="BlockHash">That block's hash.</param>
/// <param name="LogIndex">The <c>Anchored</c> log's index in the block.</param>
/// <param name="Sequence">The contract's sequence number.</param>
/// <param name="GasUsed">The gas used.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="SettledAt">When it was confirmed, reorged or replaced.</param>
public sealed record AnchorRecord(
    string Transaction, ulong ChainId, Address Contract, string ServiceDid, Address Submitter, ulong TreeSize, TreeHash Root, ulong Nonce,
    BigInteger MaxFeePerGas, BigInteger MaxPriorityFeePerGas, AnchorStatus Status, string? Reason, ulong? BlockNumber, string? BlockHash,
    ulong? LogIndex, ulong? Sequence, ulong? GasUsed, DateTimeOffset SubmittedAt, DateTimeOffset? SettledAt);
