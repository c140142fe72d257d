namespace IdentityEhr.Identity.Dids;

/// <summary>The JSON property names of the verification relationships.</summary>
public static class VerificationRelationshipNames
{
    /// <summary>Gets every relationship in document order.</summary>
    public static IReadOnlyList<VerificationRelationship> All { get; } =
    [
        VerificationRelationship.Authentication, VerificationRelationship.AssertionMethod, VerificationRelationship.KeyAgreement,
        VerificationRelationship.CapabilityInvocation, VerificationRelationship.CapabilityDelegation,
    ];

    /// <summary>Returns the property name, for example <c>assertionMethod</c>.</summary>
    /// <param name="relationship">The relationship.</param>
    /// <returns>The JSON property name.</returns>
    public static string PropertyName(this VerificationRelationship relationship) => relationship switch
    {
        VerificationRelationship.Authentication => "authentication",
        VerificationRelationship.AssertionMethod => "assertionMethod",
        VerificationRelationship.KeyAgreement => "keyAgreement",
        VerificationRelationship.CapabilityInvocation => "capabilityInvocation",
        VerificationRelationship.CapabilityDelegation => "capabilityDelegation",
        _ => throw new ArgumentOutOfRangeException(nameof(relationship), relationship, null),
    };
}
