using System.Globalization;
using IdentityEhr.AuditLog.Anchoring;

namespace IdentityEhr.Api.Log;

/// <summary>One anchor transaction, as <c>GET /log/anchors</c> lists it (hashes in base64, amounts in wei as decimal strings).</summary>
/// <param name="Transaction">The transaction hash.</param>
/// <param name="Status"><c>submitted</c>, <c>confirmed</c>, <c>reorged</c> or <c>replaced</c>.</param>
/// <param name="Reason">Why it will not count (<c>Reorged</c>, <c>Reverted</c>, <c>Dropped</c>, <c>Refused</c>), if so.</param>
/// <param name="ChainId">The chain id.</param>
/// <param name="Contract">The AuditAnchor contract.</param>
/// <param name="Submitter">The sending account.</param>
/// <param name="TreeSize">The tree size anchored.</param>
/// <param name="RootHash">The root anchored.</param>
/// <param name="Nonce">The transaction nonce.</param>
/// <param name="MaxFeePerGas">The fee cap offered.</param>
/// <param name="MaxPriorityFeePerGas">The tip offered.</param>
/// <param name="BlockNumber">The block it was confirmed in.</param>
/// <param name="BlockHash">That block's hash.</param>
/// <param name="LogIndex">The <c>Anchored</c> log's index.</param>
/// <param name="Sequence">The contract's sequence number.</param>
/// <param name="GasUsed">The gas the transaction used.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="SettledAt">When it was confirmed, reorged or replaced.</param>
internal sealed record AnchorResponse(
    string Transaction, string Status, string? Reason, ulong ChainId, string Contract, string Submitter, ulong TreeSize, string RootHash, ulong Nonce,
    string MaxFeePerGas, string MaxPriorityFeePerGas, ulong? BlockNumber, string? BlockHash, ulong? LogIndex, ulong? Sequence, ulong? GasUsed,
    DateTimeOffset SubmittedAt, DateTimeOffset? SettledAt)
{
    public static AnchorResponse From(AnchorRecord anchor) => new(
        anchor.Transaction, anchor.Status.ToString().ToLowerInvariant(), anchor.Reason, anchor.ChainId, anchor.Contract.ToString(), anchor.Submitter.ToString(),
        anchor.TreeSize, anchor.Root.ToBase64(), anchor.Nonce, anchor.MaxFeePerGas.ToString(CultureInfo.InvariantCulture),
        anchor.MaxPriorityFeePerGas.ToString(CultureInfo.InvariantCulture), anchor.BlockNumber, anchor.BlockHash, anchor.LogIndex, anchor.Sequence, anchor.GasUsed,
        anchor.SubmittedAt, anchor.SettledAt);
}
