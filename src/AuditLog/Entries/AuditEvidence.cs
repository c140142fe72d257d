namespace IdentityEhr.AuditLog.Entries;

/// <summary>What an access decision rested on, as hashes and identifiers only (never the credentials themselves).</summary>
/// <param name="Presentation">Lowercase hex SHA-256 of the verifiable presentation as received.</param>
/// <param name="Credential">Lowercase hex SHA-256 of the consent (or accreditation) credential's canonical bytes.</param>
/// <param name="Holder">The presentation holder's DID.</param>
/// <param name="HolderVersion">The holder's DID document version the decision used.</param>
/// <param name="Issuer">The credential issuer's DID.</param>
/// <param name="IssuerVersion">The issuer's DID document version the decision used.</param>
/// <param name="StatusList">Lowercase hex SHA-256 of the status list credential checked.</param>
/// <param name="StatedReason">Lowercase hex SHA-256 of a break-glass reason's text; the text itself may hold health data and stays out of the log.</param>
public sealed record AuditEvidence(
    string? Presentation = null, string? Credential = null, string? Holder = null, string? HolderVersion = null,
    string? Issuer = null, string? IssuerVersion = null, string? StatusList = null, string? StatedReason = null)
{
    /// <summary>Gets a value saying whether no member is set.</summary>
    public bool IsEmpty => this == new AuditEvidence();
}
