using IdentityEhr.Credentials.Consent;
using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir.Views;

/// <summary>Writes a consent credential as a FHIR R4 Consent: a patient-privacy opt-in that permits one grantee.</summary>
/// <remarks>
/// Source: FHIR R4 Consent (https://hl7.org/fhir/R4/consent.html) and the reference notes §1.2. The credential is the
/// authority; this is its read-only FHIR picture. Record types become <c>provision.class</c> (resource-types codes) and record
/// ids become <c>provision.data</c> (meaning <c>instance</c>); when both are given a record must match both, as in the
/// credential. Revocation makes the Consent <c>inactive</c>.
/// </remarks>
public static class ConsentView
{
    private const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
    private const string Loinc = "http://loinc.org";
    private const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private const string ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    private const string ConsentAction = "http://terminology.hl7.org/CodeSystem/consentaction";
    private const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    private const string ResourceTypes = "http://hl7.org/fhir/resource-types";

    /// <summary>Writes the Consent of a consent credential.</summary>
    /// <param name="consent">The consent credential.</param>
    /// <param name="revoked">Whether the credential's revocation bit is set.</param>
    /// <returns>The Consent's UTF-8 JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="consent"/> is null.</exception>
    public static byte[] Create(ConsentCredential consent, bool revoked)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var credential = consent.Credential;
        return FhirWriter.Write(w =>
        {
            w.WriteString("resourceType", "Consent");
            if (credential.Id is { } id)
            {
                w.WriteStartArray("identifier");
                w.WriteStartObject();
                w.WriteString("system", FhirIdentifiers.ForConsent(id));
                w.WriteString("value", id);
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteString("status", revoked ? "inactive" : "active");
            FhirWriter.CodeableConcept(w, "scope", ConsentScope, "patient-privacy", "Privacy Consent");
            w.WriteStartArray("category");
            FhirWriter.CodeableConcept(w, Loinc, "59284-0", "Patient Consent");
            w.WriteEndArray();
            FhirWriter.IdentifierReference(w, "patient", FhirIdentifiers.Uri, consent.Patient.ToString(), type: "Patient");
            if (credential.ValidFrom is { } from)
            {
                w.WriteString("dateTime", FhirWriter.Instant(from));
            }

            // The patient issued the credential, so the patient is who consented.
            w.WriteStartArray("performer");
            w.WriteStartObject();
            w.WriteString("type", "Patient");
            w.WriteStartObject("identifier");
            w.WriteString("system", FhirIdentifiers.Uri);
            w.WriteString("value", consent.Patient.ToString());
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            FhirWriter.CodeableConcept(w, "policyRule", ActCode, "OPTIN", "opt-in");
            if (credential.Id is { } source)
            {
                // The signed artefact is the credential itself (reference notes §1.2, "source[x]").
                FhirWriter.IdentifierReference(w, "sourceReference", FhirIdentifiers.ForConsent(source), source);
            }

            w.WriteStartObject("provision");
            w.WriteString("type", "permit");
            if (credential.ValidFrom is not null || credential.ValidUntil is not null)
            {
                w.WriteStartObject("period");
                if (credential.ValidFrom is { } start)
                {
                    w.WriteString("start", FhirWriter.Instant(start));
                }

                if (credential.ValidUntil is { } end)
                {
                    w.WriteString("end", FhirWriter.Instant(end));
                }

                w.WriteEndObject();
            }

            w.WriteStartArray("actor");
            w.WriteStartObject();
            FhirWriter.CodeableConcept(w, "role", ParticipationType, "IRCP", "information recipient");
            FhirWriter.IdentifierReference(w, "reference", FhirIdentifiers.Uri, consent.Grantee.ToString());
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("action");
            FhirWriter.CodeableConcept(w, ConsentAction, "access", "Access");
            w.WriteEndArray();
            w.WriteStartArray("purpose");
            foreach (var purpose in consent.PurposesOfUse)
            {
                FhirWriter.Coding(w, ActReason, purpose, PurposeOfUse.Codes.GetValueOrDefault(purpose));
            }

            w.WriteEndArray();
            if (consent.Scope.RecordTypes.Count > 0)
            {
                w.WriteStartArray("class");
                foreach (var type in consent.Scope.RecordTypes)
                {
                    FhirWriter.Coding(w, ResourceTypes, type, type);
                }

                w.WriteEndArray();
            }

            if (consent.Scope.RecordIds.Count > 0)
            {
                w.WriteStartArray("data");
                foreach (var recordId in consent.Scope.RecordIds)
                {
                    w.WriteStartObject();
                    w.WriteString("meaning", "instance");
                    FhirWriter.IdentifierReference(w, "reference", FhirIdentifiers.RecordId, recordId);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
    }
}
