using System.Text.Json;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Fhir.Views;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Fhir.Tests;

/// <summary>Synthetic view inputs (made-up DIDs, ids and CIDs; no real person or record) and every view they produce.</summary>
internal static class FhirSamples
{
    public const string Service = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    public const string Provider = "did:ethr:0x7a69:0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    public const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
    public const string ContentId = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    public const string ConsentId = "urn:uuid:0b7f0d2e-8a3c-4c55-9a54-0c3e2c0f1a11";
    public const string RecordId = "5f0c3c8e-2b1d-4f7a-9c1e-7d2a4b6c8e01";

    public static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static AuditEventView AuditEvents { get; } = new(Service);

    /// <summary>Every entry type, with the members the flows give it (a break-glass carries no consent; a denial has a reason).</summary>
    public static AuditEntry Entry(AuditEventType type, int n = 0) => new()
    {
        Type = type,
        Id = Guid.Parse($"01937f6e-0000-7000-8000-{n:x12}"),
        Time = Now.AddMilliseconds(n),
        Actor = type is AuditEventType.ConsentRegistered or AuditEventType.ConsentRevoked or AuditEventType.RecordErased ? Patient : Provider,
        Subject = Patient,
        Record = type is AuditEventType.ConsentRegistered or AuditEventType.ConsentRevoked ? null : RecordId,
        Consent = type is AuditEventType.EmergencyAccess or AuditEventType.RecordStored or AuditEventType.RecordErased ? null : ConsentId,
        Purpose = type switch
        {
            AuditEventType.AccessGranted or AuditEventType.AccessDenied => "TREAT",
            AuditEventType.EmergencyAccess => "ETREAT",
            _ => null,
        },
        Reason = type == AuditEventType.AccessDenied ? "Revoked" : null,
    };

    public static IEnumerable<AuditEventType> PatientEventTypes =>
        Enum.GetValues<AuditEventType>().Where(t => !t.ToString().StartsWith("Anchor", StringComparison.Ordinal));

    public static ConsentCredential Consent()
    {
        var json = ConsentCredential.Create(
            ConsentId, Did.Parse(Patient), Did.Parse(Provider), new ConsentScope(["Observation", "Condition"], [RecordId]),
            [PurposeOfUse.Treatment, PurposeOfUse.EmergencyTreatment], Now.AddDays(-1), Now.AddDays(180),
            new BitstringStatusListEntry("https://identityehr.example/status/1#94567", BitstringStatusListEntry.Revocation, 94567, "https://identityehr.example/status/1"));
        Assert.True(VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(json), out var credential, out _));
        Assert.True(ConsentCredential.TryRead(credential, out var consent, out _));
        return consent;
    }

    public static StoredRecordFacts Stored(int version) =>
        new(RecordId, version, "Observation", Patient, Provider, Now, ContentId, Guid.Parse("01937f6e-0000-7000-8000-0000000000ff"));

    /// <summary>Every view the library writes, named.</summary>
    public static IEnumerable<(string Name, byte[] Json)> AllViews()
    {
        var events = new List<byte[]>();
        var n = 0;
        foreach (var type in PatientEventTypes)
        {
            var json = AuditEvents.Create(Entry(type, n++));
            events.Add(json);
            yield return ($"AuditEvent-{type}", json);
        }

        var update = AuditEvents.Create(Entry(AuditEventType.RecordStored, n++), recordVersion: 2);
        events.Add(update);
        yield return ("AuditEvent-RecordStored-v2", update);
        var query = AuditEvents.CreatePatientQuery(Guid.Parse("01937f6e-0000-7000-8000-0000000000aa"), Now, Provider, Patient, "GET /patients/" + Patient + "/history?since=2026-01-01", "TREAT");
        events.Add(query);
        yield return ("AuditEvent-PatientQuery", query);
        yield return ("Consent-active", ConsentView.Create(Consent(), revoked: false));
        yield return ("Consent-revoked", ConsentView.Create(Consent(), revoked: true));
        yield return ("Provenance-v1", ProvenanceView.Create(Stored(1)));
        yield return ("Provenance-v2", ProvenanceView.Create(Stored(2)));
        yield return ("Bundle-searchset", AuditEventBundle.Create(AuditBundleType.Searchset, Guid.Parse("01937f6e-0000-7000-8000-0000000000bb"), Now, events));
        yield return ("Bundle-collection", AuditEventBundle.Create(AuditBundleType.Collection, Guid.Parse("01937f6e-0000-7000-8000-0000000000cc"), Now, events));
        yield return ("Bundle-searchset-empty", AuditEventBundle.Create(AuditBundleType.Searchset, Guid.Parse("01937f6e-0000-7000-8000-0000000000dd"), Now, []));
    }
}
