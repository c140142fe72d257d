namespace IdentityEhr.Credentials.Verification;

/// <summary>
/// The closed set of answers to "may this holder read this record now?". The verifier checks in the order listed and
/// answers with the first failure; <see cref="Granted"/> only when every check passed. The audit log records the name.
/// </summary>
public enum AccessReason
{
    /// <summary>Every check passed.</summary>
    Granted,

    /// <summary>The presentation is not a well-formed VC 2.0 presentation with one Data Integrity proof.</summary>
    MalformedPresentation,

    /// <summary>A DID the decision depends on (holder, issuer, status list issuer) did not resolve.</summary>
    DidNotResolved,

    /// <summary>The presentation's proof names a key that is not under the holder's <c>authentication</c>, or its purpose is not <c>authentication</c>.</summary>
    PresentationKeyNotAuthentication,

    /// <summary>The presentation's signature does not verify.</summary>
    PresentationSignatureInvalid,

    /// <summary>The presentation's <c>holder</c> is not the DID whose key signed it.</summary>
    HolderNotSigner,

    /// <summary>The proof's domain is not this service.</summary>
    WrongDomain,

    /// <summary>The proof has no challenge, or one this service never issued.</summary>
    ChallengeUnknown,

    /// <summary>The challenge was already used.</summary>
    ChallengeReplayed,

    /// <summary>The challenge (or the presentation proof's <c>expires</c>) has passed.</summary>
    ChallengeExpired,

    /// <summary>The presentation carries no consent credential, or more than one.</summary>
    NoConsent,

    /// <summary>The consent credential is not a well-formed <c>ConsentCredential</c> with one Data Integrity proof.</summary>
    MalformedConsent,

    /// <summary>The consent's proof names a key that is not under the issuer's <c>assertionMethod</c>.</summary>
    IssuerKeyNotAssertionMethod,

    /// <summary>The consent's signature does not verify.</summary>
    CredentialSignatureInvalid,

    /// <summary>The consent's <c>validFrom</c> is in the future (beyond the allowed clock skew).</summary>
    NotYetValid,

    /// <summary>The consent's <c>validUntil</c> has passed (beyond the allowed clock skew).</summary>
    Expired,

    /// <summary>The status list could not be fetched, verified or read, or the entry does not fit it.</summary>
    StatusUnavailable,

    /// <summary>The consent's revocation bit is set.</summary>
    Revoked,

    /// <summary>The consent's issuer is neither the record's patient nor a delegate the patient named.</summary>
    WrongIssuer,

    /// <summary>The presentation's holder is not the consent's subject (the grantee).</summary>
    HolderNotSubject,

    /// <summary>The consent's scope does not cover the requested record.</summary>
    OutOfScope,

    /// <summary>The consent does not allow the request's purpose of use.</summary>
    PurposeNotAllowed,

    /// <summary>
    /// Emergency access only (checked where a consent would be): the presentation carries no well-formed
    /// <c>EmergencyAccessAccreditation</c>, or more than one.
    /// </summary>
    NoAccreditation,

    /// <summary>Emergency access only: the accreditation's issuer is not an accreditor this service trusts.</summary>
    UntrustedAccreditor,
}
