namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>The checks of an anchored receipt, in the order <see cref="AnchoredReceiptVerifier"/> makes them.</summary>
public enum AnchorCheck
{
    /// <summary>The entry is a valid audit entry whose id is the receipt's <c>eventId</c>.</summary>
    Entry,

    /// <summary>The leaf index is inside the checkpoint's tree.</summary>
    LeafIndex,

    /// <summary>The entry's leaf hash leads to the checkpoint's root through the inclusion proof.</summary>
    InclusionProof,

    /// <summary>The receipt carries an anchor section (the service extends receipts once an anchor covers them).</summary>
    Anchored,

    /// <summary>The node's chain is the anchor's chain, and the service DID is a did:ethr of that chain (and the pinned one, if any).</summary>
    Chain,

    /// <summary>The contract is the pinned one (if any), answers as an AuditAnchor, and consults the pinned (or a genuine ERC-1056) registry.</summary>
    Contract,

    /// <summary>The transaction succeeded in the stated block, which is canonical, and emitted the stated <c>Anchored(seq, root, treeSize)</c> there.</summary>
    AnchorEvent,

    /// <summary>The transaction's sender is the stated submitter and was the DID's owner or <c>anchor</c> delegate at that block.</summary>
    Submitter,

    /// <summary>The contract is bound to the service DID's identity (its <c>identity()</c>).</summary>
    Binding,

    /// <summary>The checkpoint is signed by an Ed25519 key of the service DID's document as of the anchor's block.</summary>
    CheckpointSignature,

    /// <summary>The consistency proof leads from the checkpoint to the anchored tree head.</summary>
    ConsistencyProof,

    /// <summary>The anchor's block is final.</summary>
    Finality,
}
