using System.Globalization;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>
/// The auditor's check of an anchored receipt: everything offline except what only the chain knows (the <c>Anchored</c> event,
/// its sender's authority, the service DID's keys at that block, finality). See <see cref="AnchorCheck"/> for the checks.
/// </summary>
/// <remarks>
/// The chain checks come before the consistency proof, so a receipt pointing at another anchor fails as such rather than as a
/// broken proof. The RPC node is trusted to answer truthfully about its chain; an auditor who does not trust one node asks two.
/// </remarks>
public sealed class AnchoredReceiptVerifier : IDisposable
{
    private readonly EthereumRpcClient _client;
    private readonly AnchorTrust _trust;
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier that asks the node at <paramref name="rpc"/>.</summary>
    /// <param name="rpc">The JSON-RPC URL of a node of the anchor's chain.</param>
    /// <param name="trust">What the auditor pins: the DID, and the contract or the registry (or both).</param>
    /// <param name="timeProvider">The clock for DID document validity, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Neither the contract nor the registry is pinned.</exception>
    public AnchoredReceiptVerifier(Uri rpc, AnchorTrust trust, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(trust);
        if (trust.Contract is null && trust.Registry is null)
        {
            // With neither pinned, a fresh registry (where a rotated-away key still owns the identity) or a second contract of
            // the operator's would pass.
            throw new ArgumentException("Pin the anchor contract, the registry, or both.", nameof(trust));
        }

        _client = new EthereumRpcClient(rpc);
        _trust = trust;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Verifies a receipt: the offline checks, then the anchor against the chain.</summary>
    /// <param name="receipt">The receipt.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The first failed check with its reason, or success.</returns>
    /// <exception cref="EthereumRpcException">The node could not be asked (unreachable, timed out, malformed answers): no verdict.</exception>
    /// <exception cref="ChainUnavailableException">The node failed while the service DID was resolved: no verdict.</exception>
    public async Task<AnchoredVerification> VerifyAsync(AuditReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var (failure, entry, anchor) = VerifyOffline(receipt);
        if (failure is not null)
        {
            return failure;
        }

        // Chain and DID.
        var chainId = await _client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (chainId != anchor.ChainId)
        {
            return Fail(AnchorCheck.Chain, $"the anchor is on chain {anchor.ChainId} but the node at the RPC URL is chain {chainId}", entry);
        }

        if (!Did.TryParse(anchor.ServiceDid, out var did, out _) || !EthrIdentifier.TryParse(did, out var identifier, out _)
            || !string.Equals(identifier.Network, "0x" + chainId.ToString("x", CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase))
        {
            return Fail(AnchorCheck.Chain, $"{anchor.ServiceDid} is not a did:ethr of chain {chainId} (0x{chainId:x})", entry);
        }

        // The same identity however its address is cased (EIP-55 or lowercase) and its network spelled (hex case).
        if (!Did.TryParse(_trust.ServiceDid, out var pinnedDid, out _) || !EthrIdentifier.TryParse(pinnedDid, out var pinnedIdentity, out _)
            || pinnedIdentity.Address != identifier.Address || !string.Equals(pinnedIdentity.Network, identifier.Network, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(AnchorCheck.Chain, $"the anchor names {anchor.ServiceDid}, not the pinned service DID {_trust.ServiceDid}", entry);
        }

        var block = BlockTag.Number(anchor.BlockNumber);

        // Contract: pinned, present, bound to the DID's identity and to a genuine registry.
        if (_trust.Contract is { } pinned && pinned != anchor.Contract)
        {
            return Fail(AnchorCheck.Contract, $"the anchor comes from contract {anchor.Contract}, not the pinned {pinned}", entry);
        }

        // Immutables, read at the latest block, which exists even when the anchor's block was reorganised away.
        var contract = new AuditAnchorContract(_client, anchor.Contract);
        if (await contract.TryReadBindingAsync(cancellationToken).ConfigureAwait(false) is not var (boundIdentity, boundRegistry))
        {
            return Fail(AnchorCheck.Contract, $"{anchor.Contract} is not an AuditAnchor contract", entry);
        }

        if (_trust.Registry is { } pinnedRegistry)
        {
            if (boundRegistry != pinnedRegistry)
            {
                return Fail(AnchorCheck.Contract, $"contract {anchor.Contract} consults registry {boundRegistry}, not the pinned {pinnedRegistry}", entry);
            }
        }
        else if (!(await _client.GetCodeAsync(boundRegistry, BlockTag.Latest, cancellationToken).ConfigureAwait(false)).AsSpan()
                     .SequenceEqual(ContractArtifact.EthereumDidRegistry.DeployedBytecode))
        {
            return Fail(AnchorCheck.Contract, $"the registry {boundRegistry} that contract {anchor.Contract} consults is not the ERC-1056 registry's code", entry);
        }

        // The event, in a canonical block.
        var transaction = await _client.GetTransactionReceiptAsync(anchor.TransactionHash, cancellationToken).ConfigureAwait(false);
        if (transaction is null)
        {
            return Fail(AnchorCheck.AnchorEvent, $"transaction {anchor.TransactionHash} is not on the chain (never sent, or dropped by a reorganisation)", entry);
        }

        if (transaction.BlockNumber != anchor.BlockNumber || !string.Equals(transaction.BlockHash, anchor.BlockHash, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(AnchorCheck.AnchorEvent, $"transaction {anchor.TransactionHash} is in block {transaction.BlockNumber} ({transaction.BlockHash}), not block {anchor.BlockNumber} ({anchor.BlockHash})", entry);
        }

        var canonical = await _client.GetBlockAsync(block, cancellationToken).ConfigureAwait(false);
        if (canonical is null || !string.Equals(canonical.Hash, anchor.BlockHash, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(AnchorCheck.AnchorEvent, $"block {anchor.BlockNumber} on the chain is {canonical?.Hash ?? "missing"}, not {anchor.BlockHash}", entry);
        }

        if (!transaction.Succeeded)
        {
            return Fail(AnchorCheck.AnchorEvent, $"transaction {anchor.TransactionHash} reverted", entry);
        }

        var log = transaction.Logs.FirstOrDefault(l => l.LogIndex == anchor.LogIndex);
        if (log is null || !contract.TryDecodeAnchored(log, out var anchored))
        {
            return Fail(AnchorCheck.AnchorEvent, $"transaction {anchor.TransactionHash} has no Anchored event of contract {anchor.Contract} at log index {anchor.LogIndex}", entry);
        }

        if (anchored.TreeSize != anchor.TreeSize || !anchored.Root.AsSpan().SequenceEqual(anchor.RootHash.ToArray()) || anchored.Sequence != anchor.Sequence)
        {
            return Fail(AnchorCheck.AnchorEvent,
                $"the chain's Anchored event #{anchored.Sequence} publishes tree size {anchored.TreeSize} with root {Convert.ToBase64String(anchored.Root)}; " +
                $"the receipt's anchor says #{anchor.Sequence}, tree size {anchor.TreeSize}, root {anchor.RootHash}", entry);
        }

        // Who sent it, and whether the DID allowed them to at that block.
        if (transaction.From != anchor.Submitter)
        {
            return Fail(AnchorCheck.Submitter, $"transaction {anchor.TransactionHash} was sent by {transaction.From}, not the stated submitter {anchor.Submitter}", entry);
        }

        var registry = new EthereumDidRegistry(_client, boundRegistry);
        if (!await AuditAnchorContract.MayAnchorAsync(registry, identifier.Address, transaction.From, block, cancellationToken).ConfigureAwait(false))
        {
            return Fail(AnchorCheck.Submitter,
                $"{transaction.From} was neither the owner nor an anchor delegate of {anchor.ServiceDid} at block {anchor.BlockNumber}", entry);
        }

        // An authorised sender could still have called some other contract that emits look-alike events.
        if (boundIdentity != identifier.Address)
        {
            return Fail(AnchorCheck.Binding, $"contract {anchor.Contract} anchors for identity {boundIdentity}, not {identifier.Address} of {anchor.ServiceDid}", entry);
        }

        // The checkpoint's key, from the DID document as of the anchor's block; then the consistency proof to the anchored head.
        var hexChain = "0x" + chainId.ToString("x", CultureInfo.InvariantCulture);
        using (var ethr = new EthrDid([new EthrNetwork(hexChain, chainId, _client.Endpoint, boundRegistry)], _time))
        {
            var resolution = await ethr.ResolveAsync(
                did, new DidResolutionOptions { VersionId = anchor.BlockNumber.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
            if (resolution.ResolutionMetadata.Error is { Error: DidResolutionError.InternalError } nodeFailure)
            {
                throw new ChainUnavailableException($"resolving {did} at block {anchor.BlockNumber} failed: {nodeFailure.Detail}");
            }

            if (resolution.DidDocument is not { } document)
            {
                return Fail(AnchorCheck.CheckpointSignature,
                    $"{did} does not resolve at block {anchor.BlockNumber}: {resolution.ResolutionMetadata.Error?.Detail ?? "no document"}", entry);
            }

            if (CheckSignatureAndConsistency(receipt, entry!, anchor, document, _trust.Origin, $"{did} at block {anchor.BlockNumber}") is { IsValid: false } local)
            {
                return local;
            }
        }

        var finalized = await _trust.Finality.FinalizedBlockAsync(_client, cancellationToken).ConfigureAwait(false);
        if (finalized is not { } final || final < anchor.BlockNumber)
        {
            return new AnchoredVerification(AnchorCheck.Finality,
                $"block {anchor.BlockNumber} is not final yet ({_trust.Finality}: final up to {(finalized is { } f ? f.ToString(CultureInfo.InvariantCulture) : "none")}); verify again later",
                entry, finalized);
        }

        return new AnchoredVerification(null,
            $"event {receipt.EventId} is leaf {receipt.LeafIndex} of the tree anchored at size {anchor.TreeSize} by {anchor.ServiceDid} in block {anchor.BlockNumber} (final)",
            entry, final);
    }

    /// <summary>Closes the node connection.</summary>
    public void Dispose() => _client.Dispose();

    /// <summary>The checks that need neither the chain nor a key: entry, leaf index, inclusion proof, and an anchor to check.</summary>
    /// <param name="receipt">The receipt.</param>
    /// <returns>A failure, or <see langword="null"/> with the parsed entry and the anchor.</returns>
    internal static (AnchoredVerification? Failure, AuditEntry? Entry, ReceiptAnchor Anchor) VerifyOffline(AuditReceipt receipt)
    {
        if (!AuditEntry.TryParse(receipt.Entry.AsSpan(), out var entry, out var entryError))
        {
            return (Fail(AnchorCheck.Entry, $"the entry is not a valid audit entry ({entryError})", null), null, null!);
        }

        if (entry.Id != receipt.EventId)
        {
            return (Fail(AnchorCheck.Entry, $"the entry's id is {entry.Id}, the receipt's eventId {receipt.EventId}", entry), entry, null!);
        }

        var checkpoint = receipt.Checkpoint.Checkpoint;
        if (receipt.LeafIndex >= checkpoint.TreeSize)
        {
            return (Fail(AnchorCheck.LeafIndex, $"leaf index {receipt.LeafIndex} is outside the checkpoint's tree of size {checkpoint.TreeSize}", entry), entry, null!);
        }

        var inclusion = new InclusionProof(receipt.LeafIndex, checkpoint.TreeSize, receipt.InclusionProof)
            .Verify(TreeHash.OfLeaf(receipt.Entry.AsSpan()), checkpoint.RootHash);
        if (!inclusion.IsValid)
        {
            return (Fail(AnchorCheck.InclusionProof,
                $"the entry's leaf hash does not lead to the checkpoint's root through the inclusion proof at index {receipt.LeafIndex} ({inclusion.Failure})", entry), entry, null!);
        }

        if (receipt.Anchor is not { } anchor)
        {
            return (Fail(AnchorCheck.Anchored, "the receipt has no anchor yet: fetch it again from the service once an anchor covers the event", entry), entry, null!);
        }

        return anchor.TreeSize < checkpoint.TreeSize
            ? (Fail(AnchorCheck.Anchored, $"the anchored tree size {anchor.TreeSize} is smaller than the checkpoint's {checkpoint.TreeSize}", entry), entry, null!)
            : (null, entry, anchor);
    }

    /// <summary>
    /// The checks that need no chain once the service DID's document is at hand: entry, leaf index, inclusion proof, the
    /// checkpoint's signature by an Ed25519 assertion key of <paramref name="serviceDocument"/>, and the consistency proof to the
    /// anchored head the receipt states. <see cref="VerifyAsync"/> runs exactly these with the document as of the anchor's block,
    /// after it has checked that head against the chain.
    /// </summary>
    /// <param name="receipt">The receipt; without an anchor, the consistency check fails as <see cref="AnchorCheck.Anchored"/>.</param>
    /// <param name="serviceDocument">The service DID's document.</param>
    /// <param name="origin">The log origin the checkpoint must carry, or <see langword="null"/> for any.</param>
    /// <param name="documentName">How to name the document in a failure (for example the DID and block).</param>
    /// <returns>The first failed check with its reason, or success (which says nothing yet about the chain).</returns>
    public static AnchoredVerification VerifyLocally(AuditReceipt receipt, DidDocument serviceDocument, string? origin = null, string? documentName = null)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(serviceDocument);
        var (failure, entry, anchor) = VerifyOffline(receipt);
        return failure ?? CheckSignatureAndConsistency(receipt, entry!, anchor, serviceDocument, origin, documentName ?? serviceDocument.Id.ToString());
    }

    /// <summary>Checks 10 and 11, once the offline checks have passed.</summary>
    private static AnchoredVerification CheckSignatureAndConsistency(
        AuditReceipt receipt, AuditEntry entry, ReceiptAnchor anchor, DidDocument serviceDocument, string? origin, string documentName)
    {
        var checkpoint = receipt.Checkpoint.Checkpoint;
        if (origin is not null && !string.Equals(origin, checkpoint.Origin, StringComparison.Ordinal))
        {
            return Fail(AnchorCheck.CheckpointSignature, $"the checkpoint's origin is '{checkpoint.Origin}', not the pinned '{origin}'", entry);
        }

        var keys = serviceDocument.MethodsFor(VerificationRelationship.AssertionMethod)
            .Select(m => m.TryGetPublicKey(out var key, out _) ? key : null)
            .Where(k => k is { Type: KeyType.Ed25519 })
            .Select(k => NoteVerifierKey.Create(checkpoint.Origin, k!))
            .ToList();
        if (keys.Count == 0)
        {
            return Fail(AnchorCheck.CheckpointSignature, $"{documentName} has no Ed25519 assertion key to check the checkpoint with", entry);
        }

        if (receipt.Checkpoint.Note.Verify(keys, out _) != NoteError.None)
        {
            return Fail(AnchorCheck.CheckpointSignature, $"the checkpoint is not signed by any of the {keys.Count} Ed25519 key(s) of {documentName}", entry);
        }

        var consistency = new ConsistencyProof(checkpoint.TreeSize, anchor.TreeSize, anchor.ConsistencyProof).Verify(checkpoint.RootHash, anchor.RootHash);
        return consistency.IsValid
            ? new AnchoredVerification(null, "the receipt is consistent with its anchored tree head (the chain is not checked here)", entry)
            : Fail(AnchorCheck.ConsistencyProof,
                $"the consistency proof does not lead from the checkpoint (size {checkpoint.TreeSize}) to the anchored tree (size {anchor.TreeSize}): {consistency.Failure}", entry);
    }

    private static AnchoredVerification Fail(AnchorCheck check, string detail, AuditEntry? entry) => new(check, detail, entry);
}
