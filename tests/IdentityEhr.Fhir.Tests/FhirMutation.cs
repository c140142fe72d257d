using System.Globalization;
using System.Text.Json.Nodes;

namespace IdentityEhr.Fhir.Tests;

/// <summary>One change to a shared vector and the single issue it must cause: its code and FHIRPath expression.</summary>
/// <param name="Name">A unique name, for the test's display.</param>
/// <param name="File">The vector file changed.</param>
/// <param name="Path">The JSON path changed, such as <c>entry[2].resource.subject</c>.</param>
/// <param name="Value">The new value's JSON, or <see langword="null"/> to remove the member.</param>
/// <param name="Code">The issue code expected.</param>
/// <param name="Expression">The issue expression expected.</param>
internal sealed record FhirMutation(string Name, string File, string Path, string? Value, string Code, string Expression)
{
    public override string ToString() => Name;

    /// <summary>Applies the change to a fresh copy of the vector.</summary>
    public byte[] Apply()
    {
        var root = JsonNode.Parse(FhirVectors.Read(File))!;
        var segments = Path.Split('.');
        JsonNode node = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            node = Step(node, segments[i]);
        }

        var last = segments[^1];
        var (name, index) = Split(last);
        if (index is { } at)
        {
            var array = node[name]!.AsArray();
            if (Value is null)
            {
                array.RemoveAt(at);
            }
            else
            {
                array[at] = JsonNode.Parse(Value);
            }
        }
        else if (Value is null)
        {
            node.AsObject().Remove(name);
        }
        else
        {
            node[name] = JsonNode.Parse(Value);
        }

        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonNode Step(JsonNode node, string segment)
    {
        var (name, index) = Split(segment);
        var next = node[name]!;
        return index is { } at ? next[at]! : next;
    }

    private static (string Name, int? Index) Split(string segment)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0
            ? (segment, null)
            : (segment[..bracket], int.Parse(segment[(bracket + 1)..^1], CultureInfo.InvariantCulture));
    }

    /// <summary>For each resource type mapped to a record type, plus Patient, Consent, AuditEvent, Provenance and Bundle: a missing
    /// required element, a wrong type, a bad code in a required binding and an unknown element; then choice and R4-gap cases.</summary>
    public static IReadOnlyList<FhirMutation> All { get; } =
    [
        new("Condition-missing", "Condition-example.json", "subject", null, "required", "Condition.subject"),
        new("Condition-wrong-type", "Condition-example.json", "onsetDateTime", "42", "value", "Condition.onsetDateTime"),
        new("Condition-bad-code", "Condition-example.json", "clinicalStatus.coding[0].code", "\"SECRET-HEALTH-DATA\"", "code-invalid", "Condition.clinicalStatus"),
        new("Condition-unknown", "Condition-example.json", "colour", "\"SECRET-HEALTH-DATA\"", "structure", "Condition.colour"),
        new("Observation-missing", "Observation-f001.json", "status", null, "required", "Observation.status"),
        new("Observation-wrong-type", "Observation-f001.json", "valueQuantity.value", "\"6.3\"", "value", "Observation.valueQuantity.value"),
        new("Observation-bad-code", "Observation-f001.json", "status", "\"SECRET-HEALTH-DATA\"", "code-invalid", "Observation.status"),
        new("Observation-unknown", "Observation-f001.json", "valueQuantity.unitz", "\"mmol/l\"", "structure", "Observation.valueQuantity.unitz"),
        new("Observation-two-choices", "Observation-f001.json", "valueString", "\"SECRET-HEALTH-DATA\"", "structure", "Observation.valueString"),
        new("Observation-unknown-choice", "Observation-f001.json", "valueFoo", "\"SECRET-HEALTH-DATA\"", "structure", "Observation.valueFoo"),
        new("Observation-array-for-single", "Observation-f001.json", "status", "[\"final\"]", "structure", "Observation.status"),
        new("Observation-single-for-array", "Observation-f001.json", "identifier", "{\"value\":\"6323\"}", "structure", "Observation.identifier"),
        new("Observation-empty-array", "Observation-f001.json", "interpretation", "[]", "structure", "Observation.interpretation"),
        new("Observation-null", "Observation-f001.json", "issued", "null", "structure", "Observation.issued"),
        new("DiagnosticReport-missing", "DiagnosticReport-f201.json", "code", null, "required", "DiagnosticReport.code"),
        new("DiagnosticReport-wrong-type", "DiagnosticReport-f201.json", "issued", "\"yesterday\"", "value", "DiagnosticReport.issued"),
        new("DiagnosticReport-bad-code", "DiagnosticReport-f201.json", "status", "\"done\"", "code-invalid", "DiagnosticReport.status"),
        new("DiagnosticReport-unknown", "DiagnosticReport-f201.json", "conclusionCode[0].foo", "1", "structure", "DiagnosticReport.conclusionCode[0].foo"),
        new("MedicationRequest-missing", "MedicationRequest-medrx0314.json", "medicationCodeableConcept", null, "required", "MedicationRequest.medication"),
        new("MedicationRequest-wrong-type", "MedicationRequest-medrx0314.json", "intent", "5", "value", "MedicationRequest.intent"),
        new("MedicationRequest-bad-code", "MedicationRequest-medrx0314.json", "intent", "\"maybe\"", "code-invalid", "MedicationRequest.intent"),
        new("MedicationRequest-unknown", "MedicationRequest-medrx0314.json", "dosageInstruction[0].bogus", "true", "structure", "MedicationRequest.dosageInstruction[0].bogus"),
        new("ImagingStudy-missing", "ImagingStudy-example.json", "series[0].uid", null, "required", "ImagingStudy.series[0].uid"),
        new("ImagingStudy-wrong-type", "ImagingStudy-example.json", "numberOfSeries", "-1", "value", "ImagingStudy.numberOfSeries"),
        new("ImagingStudy-bad-code", "ImagingStudy-example.json", "status", "\"done\"", "code-invalid", "ImagingStudy.status"),
        new("ImagingStudy-unknown", "ImagingStudy-example.json", "series[0].instance[0].colour", "\"red\"", "structure", "ImagingStudy.series[0].instance[0].colour"),
        new("Immunization-missing", "Immunization-example.json", "patient", null, "required", "Immunization.patient"),
        new("Immunization-wrong-type", "Immunization-example.json", "primarySource", "\"yes\"", "value", "Immunization.primarySource"),
        new("Immunization-bad-code", "Immunization-example.json", "status", "\"given\"", "code-invalid", "Immunization.status"),
        new("Immunization-unknown", "Immunization-example.json", "subject", "{\"reference\":\"Patient/example\"}", "structure", "Immunization.subject"),
        new("Procedure-missing", "Procedure-example.json", "subject", null, "required", "Procedure.subject"),
        new("Procedure-wrong-type", "Procedure-example.json", "performedDateTime", "\"2013-13-01\"", "value", "Procedure.performedDateTime"),
        new("Procedure-bad-code", "Procedure-example.json", "status", "\"finished\"", "code-invalid", "Procedure.status"),
        new("Procedure-unknown", "Procedure-example.json", "performer[0].role2", "{}", "structure", "Procedure.performer[0].role2"),
        new("Patient-missing", "Patient-example.json", "link", "[{\"type\":\"seealso\"}]", "required", "Patient.link[0].other"),
        new("Patient-wrong-type", "Patient-example.json", "name[0].given[1]", "7", "value", "Patient.name[0].given[1]"),
        new("Patient-wrong-date", "Patient-example.json", "birthDate", "\"1974-12-25T14:35:45Z\"", "value", "Patient.birthDate"),
        new("Patient-bad-code", "Patient-example.json", "gender", "\"SECRET-HEALTH-DATA\"", "code-invalid", "Patient.gender"),
        new("Patient-unknown", "Patient-example.json", "nickname", "\"SECRET-HEALTH-DATA\"", "structure", "Patient.nickname"),
        new("Patient-reference-as-string", "Patient-example.json", "managingOrganization", "\"Organization/1\"", "structure", "Patient.managingOrganization"),
        new("Consent-missing", "Consent-consent-example-smartonfhir.json", "status", null, "required", "Consent.status"),
        new("Consent-wrong-type", "Consent-consent-example-smartonfhir.json", "dateTime", "true", "value", "Consent.dateTime"),
        new("Consent-bad-code", "Consent-consent-example-smartonfhir.json", "status", "\"approved\"", "code-invalid", "Consent.status"),
        new("Consent-unknown", "Consent-consent-example-smartonfhir.json", "provision.period.when", "\"x\"", "structure", "Consent.provision.period.when"),
        new("Consent-missing-scope", "Consent-consent-example-smartonfhir.json", "scope", null, "required", "Consent.scope"),
        new("Consent-patient-privacy-without-patient", "Consent-consent-example-smartonfhir.json", "patient", null, "required", "Consent.patient"),
        new("Consent-ppc-1", "Consent-consent-example-smartonfhir.json", "policyRule", null, "invariant", "Consent"),
        new("AuditEvent-missing", "AuditEvent-balp-ex-auditBasicReadServer.json", "recorded", null, "required", "AuditEvent.recorded"),
        new("AuditEvent-wrong-type", "AuditEvent-balp-ex-auditBasicReadServer.json", "outcome", "0", "value", "AuditEvent.outcome"),
        new("AuditEvent-bad-code", "AuditEvent-balp-ex-auditBasicReadServer.json", "action", "\"X\"", "code-invalid", "AuditEvent.action"),
        new("AuditEvent-unknown", "AuditEvent-balp-ex-auditBasicReadServer.json", "patient", "{\"reference\":\"Patient/x\"}", "structure", "AuditEvent.patient"),
        new("AuditEvent-type-as-CodeableConcept", "AuditEvent-balp-ex-auditBasicReadServer.json", "type", "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/audit-event-type\",\"code\":\"rest\"}]}", "structure", "AuditEvent.type.coding"),
        new("Provenance-missing", "Provenance-example.json", "target", null, "required", "Provenance.target"),
        new("Provenance-wrong-type", "Provenance-example.json", "recorded", "\"2015-06-27\"", "value", "Provenance.recorded"),
        new("Provenance-bad-code", "Provenance-example.json", "entity[0].role", "\"copy\"", "code-invalid", "Provenance.entity[0].role"),
        new("Provenance-unknown", "Provenance-example.json", "agent[0].person", "{}", "structure", "Provenance.agent[0].person"),
        new("Bundle-missing", "Bundle-seed-transaction.json", "type", null, "required", "Bundle.type"),
        new("Bundle-wrong-type", "Bundle-seed-transaction.json", "entry[2].resource.subject", "\"Patient/x\"", "structure", "Bundle.entry[2].resource.subject"),
        new("Bundle-bad-code", "Bundle-seed-transaction.json", "entry[3].resource.status", "\"bogus\"", "code-invalid", "Bundle.entry[3].resource.status"),
        new("Bundle-unknown", "Bundle-seed-transaction.json", "entry[2].request.verb", "\"POST\"", "structure", "Bundle.entry[2].request.verb"),
        new("Bundle-entry-missing", "Bundle-seed-transaction.json", "entry[4].resource.subject", null, "required", "Bundle.entry[4].resource.subject"),
        new("Bundle-bdl-3", "Bundle-seed-transaction.json", "entry[1].request", null, "required", "Bundle.entry[1].request"),
        new("Bundle-unknown-resource-type", "Bundle-seed-transaction.json", "entry[1].resource.resourceType", "\"Doctor\"", "not-supported", "Bundle.entry[1].resource.resourceType"),
        new("Bundle-contained-in-entry", "Bundle-seed-transaction.json", "entry[3].resource.contained", "[{\"resourceType\":\"Patient\",\"gender\":\"x\"}]", "code-invalid", "Bundle.entry[3].resource.contained[0].gender"),
    ];
}
