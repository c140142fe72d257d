namespace IdentityEhr.Credentials.Verification;

/// <summary>The verifier's answer and what it rests on, for the audit log.</summary>
/// <param name="Reason">The reason; <see cref="AccessReason.Granted"/> when access is allowed.</param>
/// <param name="Evidence">What was checked, as far as the verifier got.</param>
public sealed record AccessDecision(AccessReason Reason, AccessEvidence Evidence)
{
    /// <summary>Gets a value indicating whether access is granted.</summary>
    public bool Granted => Reason == AccessReason.Granted;
}

/// <summary>
/// Hashes and versions that let an auditor re-check a decision without the service: SHA-256 of the presentation bytes as
/// received, of what the patient signed, and of the status list credential, and the DID document versions used. No health data.
/// </summary>
/// <param name="PresentationHash">Hex SHA-256 of the presentation bytes as received.</param>
/// <param name="CredentialHash">
/// Hex SHA-256 of the JCS form of the consent without its proof (the eddsa-jcs-2022 document hash), once its signature verified.
/// </param>
/// <param name="Holder">The holder DID, once known.</param>
/// <param name="HolderVersion">The holder DID document's version (null for methods without versions).</param>
/// <param name="Issuer">The consent's issuer DID, once known.</param>
/// <param name="IssuerVersion">The issuer DID document's version.</param>
/// <param name="StatusListHash">Hex SHA-256 of the status list credential's canonical form, once checked.</param>
/// <param name="Credential">The consent's (or accreditation's) id, once its proof verified, when it has one.</param>
public sealed record AccessEvidence(
    string? PresentationHash = null, string? CredentialHash = null, string? Holder = null, string? HolderVersion = null,
    string? Issuer = null, string? IssuerVersion = null, string? StatusListHash = null, string? Credential = null);
