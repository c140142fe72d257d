using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Credentials.Verification;

/// <summary>What the holder asks to read, and why.</summary>
/// <param name="Patient">The record's patient.</param>
/// <param name="RecordType">The record's FHIR resource type.</param>
/// <param name="RecordId">The record's id.</param>
/// <param name="PurposeOfUse">The HL7 v3 purpose of use the holder states.</param>
public sealed record AccessRequest(Did Patient, string RecordType, string RecordId, string PurposeOfUse)
{
    /// <summary>Gets the DIDs the patient named as delegates who may consent for them.</summary>
    public IReadOnlyList<Did> Delegates { get; init; } = [];
}
