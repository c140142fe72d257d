namespace IdentityEhr.Credentials.Consent;

/// <summary>Why a credential is not a well-formed <c>ConsentCredential</c> (specs/consent-credential.md).</summary>
public enum ConsentError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The credential's <c>type</c> lacks <c>ConsentCredential</c>, or it is not VC Data Model 2.0.</summary>
    NotConsent,

    /// <summary>The issuer (the patient) is not a DID.</summary>
    IssuerNotDid,

    /// <summary>There is not exactly one credential subject.</summary>
    NotOneSubject,

    /// <summary>The subject's <c>id</c> (the grantee) is not a DID.</summary>
    GranteeNotDid,

    /// <summary>Neither <c>recordTypes</c> nor <c>recordIds</c> names anything, or a list is not strings.</summary>
    EmptyScope,

    /// <summary>A record type is not a FHIR R4 resource type name.</summary>
    InvalidRecordType,

    /// <summary>A record id is empty, too long or has characters outside the FHIR id set.</summary>
    InvalidRecordId,

    /// <summary><c>purposeOfUse</c> is missing or empty.</summary>
    NoPurpose,

    /// <summary>A purpose of use is not one of the HL7 v3 PurposeOfUse codes this service accepts.</summary>
    UnknownPurpose,

    /// <summary><c>validFrom</c> is missing: consent must say when it starts.</summary>
    NoValidFrom,

    /// <summary>There is no <c>BitstringStatusListEntry</c> with purpose <c>revocation</c>, or it is malformed.</summary>
    NoRevocationEntry,
}
