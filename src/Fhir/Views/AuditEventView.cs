using System.Text;
using System.Text.Json;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir.Views;

/// <summary>Writes audit log entries as FHIR R4 AuditEvents shaped after IHE Basic Audit Log Patterns (BALP).</summary>
/// <remarks>
/// Source: IHE ITI BALP 1.1.x (https://profiles.ihe.net/ITI/BALP/), profiles PatientRead, PatientCreate, PatientUpdate,
/// PatientDelete, PatientQuery and AuthZconsent; break-glass after the FHIR core example <c>AuditEvent/example-breakglass-start</c>.
/// The mapping table is in specs/fhir.md. Events are minimal (BALP §1:52.4.1): identifiers only, no health data and no free
/// text; the entry carries only identifiers and hashes anyway. The acting DID is the user agent; the service is both the
/// server agent and <c>source.observer</c>. No client-application agent is written: the service sees the DID holder, not a
/// separate client, so the events follow BALP's pattern without claiming conformance to its client slices.
/// </remarks>
public sealed class AuditEventView
{
    private const string Dcm = "http://dicom.nema.org/resources/ontology/DCM";
    private const string ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    private const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string AuditEventTypes = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string RestfulInteraction = "http://hl7.org/fhir/restful-interaction";
    private const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    private const string AuthZSubType = "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
    private const string SecurityRoleType = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    private const string SourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string ResourceTypes = "http://hl7.org/fhir/resource-types";

    /// <summary>Creates the view for one service.</summary>
    /// <param name="serviceIdentifier">The service's identifier as an absolute URI (its DID, for example): the observer and server agent.</param>
    /// <exception cref="ArgumentException"><paramref name="serviceIdentifier"/> is not an absolute URI.</exception>
    public AuditEventView(string serviceIdentifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceIdentifier);
        if (!Uri.TryCreate(serviceIdentifier, UriKind.Absolute, out _))
        {
            throw new ArgumentException("The service identifier must be an absolute URI, such as the service's DID.", nameof(serviceIdentifier));
        }

        ServiceIdentifier = serviceIdentifier;
    }

    /// <summary>Gets the service's identifier (a URI).</summary>
    public string ServiceIdentifier { get; }

    /// <summary>Writes the AuditEvent of one audit entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="recordVersion">For <see cref="AuditEventType.RecordStored"/>: the record's version, when known; a version above 1 is an update.</param>
    /// <returns>The AuditEvent's UTF-8 JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="recordVersion"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The entry is an anchoring event: it concerns the log itself, not a patient, and has no AuditEvent view.</exception>
    public byte[] Create(AuditEntry entry, int? recordVersion = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (recordVersion is { } version)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(version, 1, nameof(recordVersion));
        }

        return entry.Type switch
        {
            AuditEventType.AccessGranted => Rest(entry, Interaction.Read, "0", dataType: null),
            AuditEventType.RecordStored => Rest(entry, recordVersion > 1 ? Interaction.Update : Interaction.Create, "0", dataType: null),
            AuditEventType.RecordErased => Rest(entry, Interaction.Delete, "0", dataType: null),
            // Registering and revoking a consent change the patient's Consent: its creation, and its update to inactive.
            AuditEventType.ConsentRegistered => Rest(entry, Interaction.Create, "0", dataType: "Consent"),
            AuditEventType.ConsentRevoked => Rest(entry, Interaction.Update, "0", dataType: "Consent"),
            AuditEventType.AccessDenied => ConsentDecision(entry),
            AuditEventType.EmergencyAccess => BreakGlass(entry),
            _ => throw new ArgumentException($"The {entry.Type} entry concerns the audit log's anchoring, not a patient: it has no AuditEvent view.", nameof(entry)),
        };
    }

    /// <summary>Writes a BALP PatientQuery AuditEvent: someone searched a patient's records or access history.</summary>
    /// <param name="id">The event's id.</param>
    /// <param name="recorded">When the query ran.</param>
    /// <param name="actor">The DID of whoever queried.</param>
    /// <param name="patient">The patient's DID.</param>
    /// <param name="query">The query as received (for example the request path and query string); stored base64, as BALP asks.</param>
    /// <param name="purposeOfUse">The HL7 v3 purpose of use, when stated.</param>
    /// <returns>The AuditEvent's UTF-8 JSON.</returns>
    /// <exception cref="ArgumentException">A text argument is empty.</exception>
    public byte[] CreatePatientQuery(Guid id, DateTimeOffset recorded, string actor, string patient, string query, string? purposeOfUse = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentException.ThrowIfNullOrEmpty(patient);
        ArgumentException.ThrowIfNullOrEmpty(query);
        return FhirWriter.Write(w =>
        {
            Header(w, id, Interaction.Search, recorded, "0", purposeOfUse);
            w.WriteStartArray("agent");
            Agent(w, ParticipationType, "IRCP", "information recipient", actor, requestor: true, purposeOfUse);
            Agent(w, Dcm, "110152", "Destination Role ID", ServiceIdentifier, requestor: false, purposeOfUse: null);
            w.WriteEndArray();
            Source(w);
            w.WriteStartArray("entity");
            PatientEntity(w, patient);
            w.WriteStartObject();
            FhirWriter.Coding(w, "type", EntityType, "2", "System Object");
            FhirWriter.Coding(w, "role", ObjectRole, "24", "Query");
            w.WriteBase64String("query", Encoding.UTF8.GetBytes(query));
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private enum Interaction
    {
        Read,
        Create,
        Update,
        Delete,
        Search,
    }

    private byte[] Rest(AuditEntry entry, Interaction interaction, string outcome, string? dataType) => FhirWriter.Write(w =>
    {
        Header(w, entry.Id, interaction, entry.Time, outcome, entry.Purpose);
        w.WriteStartArray("agent");
        var (userCode, userDisplay) = interaction == Interaction.Read ? ("IRCP", "information recipient") : ("AUT", "author (originator)");
        Agent(w, ParticipationType, userCode, userDisplay, entry.Actor, requestor: true, entry.Purpose, entry.Consent);
        // BALP: data flows from the server on a read (Source Role ID) and to it on a write (Destination Role ID).
        var (serverCode, serverDisplay) = interaction == Interaction.Read ? ("110153", "Source Role ID") : ("110152", "Destination Role ID");
        Agent(w, Dcm, serverCode, serverDisplay, ServiceIdentifier, requestor: false, purposeOfUse: null);
        w.WriteEndArray();
        Source(w);
        Entities(w, entry, dataType);
    });

    private byte[] ConsentDecision(AuditEntry entry) => FhirWriter.Write(w =>
    {
        // BALP AuthZconsent: a Security Alert recording the decision; a refusal is a minor failure ("4") with the reason code.
        w.WriteString("resourceType", "AuditEvent");
        w.WriteString("id", entry.Id.ToString("D"));
        FhirWriter.Coding(w, "type", Dcm, "110113", "Security Alert");
        w.WriteStartArray("subtype");
        FhirWriter.Coding(w, AuthZSubType, "AuthZ-Consent", "Authorization Decision using Roles and Consent");
        w.WriteEndArray();
        w.WriteString("action", "E");
        w.WriteString("recorded", FhirWriter.Instant(entry.Time));
        w.WriteString("outcome", "4");
        // The reason is a closed code (an access-decision name), never free text.
        w.WriteString("outcomeDesc", entry.Reason is { } reason ? $"Access denied: {reason}" : "Access denied");
        PurposeOfEvent(w, entry.Purpose);
        w.WriteStartArray("agent");
        Agent(w, ParticipationType, "IRCP", "information recipient", entry.Actor, requestor: true, entry.Purpose);
        Agent(w, SecurityRoleType, "authserver", "authorization server", ServiceIdentifier, requestor: false, purposeOfUse: null);
        w.WriteEndArray();
        Source(w);
        // AuthZconsent slices its entities closed (patient, consent, token): the record asked for is not one of them.
        Entities(w, entry with { Record = null }, dataType: null);
    });

    private byte[] BreakGlass(AuditEntry entry) => FhirWriter.Write(w =>
    {
        w.WriteString("resourceType", "AuditEvent");
        w.WriteString("id", entry.Id.ToString("D"));
        FhirWriter.Coding(w, "type", Dcm, "110113", "Security Alert");
        w.WriteStartArray("subtype");
        FhirWriter.Coding(w, Dcm, "110127", "Emergency Override Started");
        w.WriteEndArray();
        w.WriteString("action", "E");
        w.WriteString("recorded", FhirWriter.Instant(entry.Time));
        w.WriteString("outcome", "0");
        // Break-glass is always BTG, whatever purpose the entry states (ETREAT, say): it overrode consent.
        PurposeOfEvent(w, "BTG");
        w.WriteStartArray("agent");
        Agent(w, ParticipationType, "IRCP", "information recipient", entry.Actor, requestor: true, "BTG");
        Agent(w, Dcm, "110153", "Source Role ID", ServiceIdentifier, requestor: false, purposeOfUse: null);
        w.WriteEndArray();
        Source(w);
        Entities(w, entry, dataType: null);
    });

    private static void Header(Utf8JsonWriter w, Guid id, Interaction interaction, DateTimeOffset recorded, string outcome, string? purpose)
    {
        var (code, display, action) = interaction switch
        {
            Interaction.Read => ("read", "read", "R"),
            Interaction.Create => ("create", "create", "C"),
            Interaction.Update => ("update", "update", "U"),
            Interaction.Delete => ("delete", "delete", "D"),
            _ => ("search-type", "search type", "E"),
        };
        w.WriteString("resourceType", "AuditEvent");
        w.WriteString("id", id.ToString("D"));
        FhirWriter.Coding(w, "type", AuditEventTypes, "rest", "Restful Operation");
        w.WriteStartArray("subtype");
        FhirWriter.Coding(w, RestfulInteraction, code, display);
        w.WriteEndArray();
        w.WriteString("action", action);
        w.WriteString("recorded", FhirWriter.Instant(recorded));
        w.WriteString("outcome", outcome);
        PurposeOfEvent(w, purpose);
    }

    private static void PurposeOfEvent(Utf8JsonWriter w, string? purpose)
    {
        if (purpose is null)
        {
            return;
        }

        w.WriteStartArray("purposeOfEvent");
        FhirWriter.CodeableConcept(w, ActReason, purpose, PurposeDisplay(purpose));
        w.WriteEndArray();
    }

    private static string? PurposeDisplay(string purpose) => IdentityEhr.Credentials.Consent.PurposeOfUse.Codes.GetValueOrDefault(purpose);

    private static void Agent(Utf8JsonWriter w, string system, string code, string display, string who, bool requestor, string? purposeOfUse, string? policy = null)
    {
        w.WriteStartObject();
        FhirWriter.CodeableConcept(w, "type", system, code, display);
        FhirWriter.IdentifierReference(w, "who", FhirIdentifiers.Uri, who);
        w.WriteBoolean("requestor", requestor);
        if (policy is not null && Uri.TryCreate(policy, UriKind.Absolute, out _))
        {
            // The consent that authorised the access, as agent.policy (a uri) so a reviewer can tie the access to the grant.
            w.WriteStartArray("policy");
            w.WriteStringValue(policy);
            w.WriteEndArray();
        }

        if (purposeOfUse is not null)
        {
            w.WriteStartArray("purposeOfUse");
            FhirWriter.CodeableConcept(w, ActReason, purposeOfUse, PurposeDisplay(purposeOfUse));
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private void Source(Utf8JsonWriter w)
    {
        w.WriteStartObject("source");
        FhirWriter.IdentifierReference(w, "observer", FhirIdentifiers.Uri, ServiceIdentifier);
        w.WriteStartArray("type");
        FhirWriter.Coding(w, SourceType, "4", "Application Server");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Entities(Utf8JsonWriter w, AuditEntry entry, string? dataType)
    {
        // Best effort (BALP §1:52.4.1): each entity the entry names is recorded; an entry without any writes no entity array.
        if (entry.Subject is null && entry.Record is null && entry.Consent is null)
        {
            return;
        }

        w.WriteStartArray("entity");
        if (entry.Subject is { } subject)
        {
            PatientEntity(w, subject);
        }

        if (entry.Record is { } record && dataType is null)
        {
            w.WriteStartObject();
            FhirWriter.IdentifierReference(w, "what", FhirIdentifiers.RecordId, record);
            FhirWriter.Coding(w, "type", EntityType, "2", "System Object");
            FhirWriter.Coding(w, "role", ObjectRole, "4", "Domain Resource");
            w.WriteEndObject();
        }

        if (entry.Consent is { } consent)
        {
            w.WriteStartObject();
            FhirWriter.IdentifierReference(w, "what", FhirIdentifiers.ForConsent(consent), consent, type: "Consent");
            FhirWriter.Coding(w, "type", ResourceTypes, "Consent", "Consent");
            if (dataType == "Consent")
            {
                // The Consent is the data the create or update changed.
                FhirWriter.Coding(w, "role", ObjectRole, "4", "Domain Resource");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void PatientEntity(Utf8JsonWriter w, string patient)
    {
        w.WriteStartObject();
        FhirWriter.IdentifierReference(w, "what", FhirIdentifiers.Uri, patient, type: "Patient");
        FhirWriter.Coding(w, "type", EntityType, "1", "Person");
        FhirWriter.Coding(w, "role", ObjectRole, "1", "Patient");
        w.WriteEndObject();
    }
}
