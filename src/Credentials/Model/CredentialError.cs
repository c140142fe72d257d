namespace IdentityEhr.Credentials.Model;

/// <summary>Why a JSON document is not a verifiable credential or presentation this service reads (VC Data Model 2.0 §4).</summary>
public enum CredentialError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>Not a JSON object.</summary>
    NotAnObject,

    /// <summary><c>@context</c> does not start with the VC 2.0 (or 1.1) base context.</summary>
    InvalidContext,

    /// <summary><c>type</c> lacks <c>VerifiableCredential</c> (or <c>VerifiablePresentation</c>).</summary>
    InvalidType,

    /// <summary><c>issuer</c> is missing or is neither a URL string nor an object with an <c>id</c>.</summary>
    InvalidIssuer,

    /// <summary><c>credentialSubject</c> is missing, empty, or not objects.</summary>
    InvalidSubject,

    /// <summary>A validity time is not an XML Schema dateTime with a time zone, or <c>validUntil</c> precedes <c>validFrom</c>.</summary>
    InvalidValidityPeriod,

    /// <summary><c>credentialStatus</c> is present but not objects with a <c>type</c>.</summary>
    InvalidStatus,

    /// <summary><c>credentialSchema</c> is present but not objects with <c>id</c> and <c>type</c>.</summary>
    InvalidSchema,

    /// <summary><c>holder</c> is present but not a URL string or an object with an <c>id</c>.</summary>
    InvalidHolder,

    /// <summary><c>verifiableCredential</c> is present but not an array of secured credentials.</summary>
    InvalidEmbeddedCredential,

    /// <summary><c>id</c> is present but not a string.</summary>
    InvalidId,
}
