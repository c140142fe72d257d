using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace IdentityEhr.Fhir.Records;

/// <summary>Maps FHIR R4 resource types to record types, and record types to and from their wire names.</summary>
/// <remarks>
/// The mapping follows the seed types in the FHIR reference notes (§1.4). Only MedicationRequest is a prescription: a
/// MedicationDispense, MedicationAdministration or MedicationStatement records what was handed out, given or taken, not an
/// order, so they are <see cref="RecordType.Other"/>. A DiagnosticReport is a lab result by type even when its category is
/// radiology; the mapping looks at the resource type only.
/// </remarks>
public static class RecordTypes
{
    private static readonly FrozenDictionary<string, RecordType> s_byResourceType = new Dictionary<string, RecordType>(StringComparer.Ordinal)
    {
        ["Condition"] = RecordType.Diagnosis,
        ["Observation"] = RecordType.LabResult,
        ["DiagnosticReport"] = RecordType.LabResult,
        ["MedicationRequest"] = RecordType.Prescription,
        ["ImagingStudy"] = RecordType.Imaging,
        ["Immunization"] = RecordType.Vaccination,
        ["Procedure"] = RecordType.Surgery,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, RecordType> s_byWireName = Enum.GetValues<RecordType>()
        .ToFrozenDictionary(WireName, t => t, StringComparer.Ordinal);

    /// <summary>Gets the record type of a FHIR resource type.</summary>
    /// <param name="resourceType">The resource type, such as <c>Observation</c>.</param>
    /// <returns>The record type; <see cref="RecordType.Other"/> for any type not mapped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resourceType"/> is null.</exception>
    public static RecordType Of(string resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        return s_byResourceType.GetValueOrDefault(resourceType, RecordType.Other);
    }

    /// <summary>Gets the wire name of a record type, such as <c>lab-result</c>.</summary>
    /// <param name="type">The record type.</param>
    /// <returns>The wire name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    public static string WireName(RecordType type) => type switch
    {
        RecordType.Diagnosis => "diagnosis",
        RecordType.LabResult => "lab-result",
        RecordType.Prescription => "prescription",
        RecordType.Imaging => "imaging",
        RecordType.Vaccination => "vaccination",
        RecordType.Surgery => "surgery",
        RecordType.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown record type."),
    };

    /// <summary>Reads a wire name.</summary>
    /// <param name="wireName">The text, such as <c>lab-result</c>; exact, lower case.</param>
    /// <param name="type">The record type, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the text is a wire name.</returns>
    public static bool TryParseWireName([NotNullWhen(true)] string? wireName, out RecordType type)
    {
        type = RecordType.Other;
        return wireName is not null && s_byWireName.TryGetValue(wireName, out type);
    }
}
