using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir.Views;

/// <summary>Writes a FHIR R4 Provenance for a stored record version: who authored it, when, and what was produced.</summary>
/// <remarks>
/// Source: FHIR R4 Provenance (https://hl7.org/fhir/R4/provenance.html). <c>target</c> names the record by identifier (type,
/// record id) and the stored ciphertext by its content id (a Binary: the blob the activity produced). <c>activity</c> is
/// v3-DataOperation CREATE for version 1 and UPDATE after. R4 Provenance has no patient element (the patient compartment
/// goes through the target's own subject), so the patient DID is carried as <c>agent.onBehalfOf</c> of the author:
/// the provider stores the record for the patient's chart.
/// </remarks>
public static class ProvenanceView
{
    private const string DataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    private const string ParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    /// <summary>Writes the Provenance of one stored record version.</summary>
    /// <param name="facts">The record's facts.</param>
    /// <returns>The Provenance's UTF-8 JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="facts"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The version is below 1.</exception>
    /// <exception cref="ArgumentException">A text member is empty.</exception>
    public static byte[] Create(StoredRecordFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentOutOfRangeException.ThrowIfLessThan(facts.Version, 1, nameof(facts));
        ArgumentException.ThrowIfNullOrEmpty(facts.RecordId, nameof(facts));
        ArgumentException.ThrowIfNullOrEmpty(facts.ResourceType, nameof(facts));
        ArgumentException.ThrowIfNullOrEmpty(facts.Patient, nameof(facts));
        ArgumentException.ThrowIfNullOrEmpty(facts.Author, nameof(facts));
        ArgumentException.ThrowIfNullOrEmpty(facts.ContentId, nameof(facts));
        return FhirWriter.Write(w =>
        {
            w.WriteString("resourceType", "Provenance");
            w.WriteString("id", facts.EventId.ToString("D"));
            w.WriteStartArray("target");
            Target(w, facts.ResourceType, FhirIdentifiers.RecordId, facts.RecordId);
            Target(w, "Binary", FhirIdentifiers.ContentId, facts.ContentId);
            w.WriteEndArray();
            w.WriteString("recorded", FhirWriter.Instant(facts.Recorded));
            var (code, display) = facts.Version == 1 ? ("CREATE", "create") : ("UPDATE", "revise");
            FhirWriter.CodeableConcept(w, "activity", DataOperation, code, display);
            w.WriteStartArray("agent");
            w.WriteStartObject();
            FhirWriter.CodeableConcept(w, "type", ParticipantType, "author", "Author");
            FhirWriter.IdentifierReference(w, "who", FhirIdentifiers.Uri, facts.Author);
            FhirWriter.IdentifierReference(w, "onBehalfOf", FhirIdentifiers.Uri, facts.Patient, type: "Patient");
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private static void Target(System.Text.Json.Utf8JsonWriter w, string type, string system, string value)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteStartObject("identifier");
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
