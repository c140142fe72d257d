namespace IdentityEhr.AuditLog.Receipts;

/// <summary>The check of a receipt that failed; each names one step of the verification, in the order they run.</summary>
public enum ReceiptFailure
{
    /// <summary>Every check passed.</summary>
    None,

    /// <summary>The entry is not the canonical bytes of a valid audit entry, or not the event the receipt names.</summary>
    EntryInvalid,

    /// <summary>The checkpoint's origin is not the log the verifier expects.</summary>
    WrongOrigin,

    /// <summary>The checkpoint is not signed by the given log key, or that key's signature fails.</summary>
    CheckpointSignatureInvalid,

    /// <summary>The leaf index is not inside the checkpoint's tree.</summary>
    IndexOutsideTree,

    /// <summary>The inclusion proof does not lead from the entry's leaf hash to the checkpoint's root.</summary>
    InclusionProofInvalid,
}
