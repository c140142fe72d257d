using System.Collections.Frozen;

namespace IdentityEhr.Credentials.Consent;

/// <summary>
/// The HL7 v3 PurposeOfUse codes (code system 2.16.840.1.113883.5.8, value set v3-PurposeOfUse) a consent may name.
/// A closed list: an unknown code is refused rather than ignored, so a typo cannot widen or narrow consent silently.
/// </summary>
public static class PurposeOfUse
{
    /// <summary>Treatment.</summary>
    public const string Treatment = "TREAT";

    /// <summary>Emergency treatment.</summary>
    public const string EmergencyTreatment = "ETREAT";

    /// <summary>The codes accepted, with their HL7 display names.</summary>
    public static FrozenDictionary<string, string> Codes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Treatment] = "treatment",
        [EmergencyTreatment] = "emergency treatment",
        ["CAREMGT"] = "care management",
        ["BTG"] = "break the glass",
        ["HPAYMT"] = "healthcare payment",
        ["HOPERAT"] = "healthcare operations",
        ["HRESCH"] = "healthcare research",
        ["CLINTRL"] = "clinical trial research",
        ["PATRQT"] = "patient requested",
        ["FAMRQT"] = "family requested",
        ["PWATRNY"] = "power of attorney",
        ["SUPNWK"] = "support network",
        ["COC"] = "coordination of care",
        ["PUBHLTH"] = "public health",
        ["HLEGAL"] = "legal",
        ["HDIRECT"] = "directory",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
