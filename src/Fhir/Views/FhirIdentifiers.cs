namespace IdentityEhr.Fhir.Views;

/// <summary>The identifier systems the views use in identifier-based references (none of our records has a FHIR server URL).</summary>
public static class FhirIdentifiers
{
    /// <summary>The system for any URI: DIDs, the service's identifier, credential ids (<c>urn:ietf:rfc:3986</c>, FHIR R4 §2.1.0.3 "Identifier").</summary>
    public const string Uri = "urn:ietf:rfc:3986";

    /// <summary>The system of the service's record ids (a UUIDv7 a record keeps across versions; the audit entry's <c>record</c> member).</summary>
    public const string RecordId = "https://identityehr.dev/fhir/sid/record-id";

    /// <summary>The system of content ids (CIDv1, raw, sha2-256) of stored ciphertext blobs, one per record version.</summary>
    public const string ContentId = "https://identityehr.dev/fhir/sid/content-id";

    /// <summary>The system for a consent credential id that is not an absolute URI.</summary>
    public const string ConsentCredentialId = "https://identityehr.dev/fhir/sid/consent-credential";

    /// <summary>Picks the system for a consent credential id: <see cref="Uri"/> when it is an absolute URI, else <see cref="ConsentCredentialId"/>.</summary>
    /// <param name="consentId">The credential id.</param>
    /// <returns>The identifier system.</returns>
    public static string ForConsent(string consentId) =>
        System.Uri.TryCreate(consentId, UriKind.Absolute, out _) ? Uri : ConsentCredentialId;
}
