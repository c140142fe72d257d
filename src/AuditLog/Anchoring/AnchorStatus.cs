namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>Where an anchor transaction stands, as the log's anchoring events say.</summary>
public enum AnchorStatus
{
    /// <summary>Sent (<c>AnchorSubmitted</c>) and not yet final: waiting to be mined or to reach finality.</summary>
    Submitted,

    /// <summary>Final on the chain (<c>AnchorConfirmed</c>): receipts extend to it.</summary>
    Confirmed,

    /// <summary>Will never count (<c>AnchorReorged</c>): its block was reorganised away, it reverted, or it vanished from the node.</summary>
    Reorged,

    /// <summary>Another submission with the same nonce was confirmed instead (a fee replacement or the original won).</summary>
    Replaced,
}
