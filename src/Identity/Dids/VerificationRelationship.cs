namespace IdentityEhr.Identity.Dids;

/// <summary>The verification relationships of DID Core §5.3: what a verification method is authorized for.</summary>
public enum VerificationRelationship
{
    /// <summary><c>authentication</c>: proving control of the DID (signing presentations, authenticating requests).</summary>
    Authentication,

    /// <summary><c>assertionMethod</c>: issuing claims (signing credentials).</summary>
    AssertionMethod,

    /// <summary><c>keyAgreement</c>: establishing shared secrets (encrypting to the subject).</summary>
    KeyAgreement,

    /// <summary><c>capabilityInvocation</c>: invoking capabilities, such as updating the DID document.</summary>
    CapabilityInvocation,

    /// <summary><c>capabilityDelegation</c>: delegating capabilities.</summary>
    CapabilityDelegation,
}
