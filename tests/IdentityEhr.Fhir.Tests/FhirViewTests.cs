using System.Text;
using System.Text.Json;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Fhir.Views;

namespace IdentityEhr.Fhir.Tests;

public sealed class FhirViewTests
{
    private static readonly FhirValidator s_validator = new();

    public static TheoryData<string> ViewNames => [.. FhirSamples.AllViews().Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void Every_view_passes_our_validator(string name)
    {
        var json = FhirSamples.AllViews().Single(v => v.Name == name).Json;

        var result = s_validator.Validate(json);

        Assert.Empty(result.Issues.Select(i => $"{i.Code} {i.Expression}: {i.Diagnostics}"));
    }

    [Theory]
    [InlineData(AuditEventType.AccessGranted, "rest", "read", "R", "0")]
    [InlineData(AuditEventType.RecordStored, "rest", "create", "C", "0")]
    [InlineData(AuditEventType.RecordErased, "rest", "delete", "D", "0")]
    [InlineData(AuditEventType.ConsentRegistered, "rest", "create", "C", "0")]
    [InlineData(AuditEventType.ConsentRevoked, "rest", "update", "U", "0")]
    [InlineData(AuditEventType.AccessDenied, "110113", "AuthZ-Consent", "E", "4")]
    [InlineData(AuditEventType.EmergencyAccess, "110113", "110127", "E", "0")]
    public void AuditEvent_has_the_BALP_type_subtype_action_and_outcome_of_its_entry(AuditEventType type, string code, string subtype, string action, string outcome)
    {
        using var json = JsonDocument.Parse(FhirSamples.AuditEvents.Create(FhirSamples.Entry(type)));
        var root = json.RootElement;

        Assert.Equal(
            (code, subtype, action, outcome),
            (root.GetProperty("type").GetProperty("code").GetString(), root.GetProperty("subtype")[0].GetProperty("code").GetString(),
             root.GetProperty("action").GetString(), root.GetProperty("outcome").GetString()));
    }

    [Fact]
    public void RecordStored_with_a_later_version_is_an_update()
    {
        using var json = JsonDocument.Parse(FhirSamples.AuditEvents.Create(FhirSamples.Entry(AuditEventType.RecordStored), recordVersion: 3));

        Assert.Equal("update", json.RootElement.GetProperty("subtype")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void EmergencyAccess_is_break_the_glass_whatever_purpose_the_entry_states()
    {
        using var json = JsonDocument.Parse(FhirSamples.AuditEvents.Create(FhirSamples.Entry(AuditEventType.EmergencyAccess)));

        Assert.Equal(
            ("BTG", "BTG"),
            (json.RootElement.GetProperty("purposeOfEvent")[0].GetProperty("coding")[0].GetProperty("code").GetString(),
             json.RootElement.GetProperty("agent")[0].GetProperty("purposeOfUse")[0].GetProperty("coding")[0].GetProperty("code").GetString()));
    }

    [Fact]
    public void A_purpose_without_a_known_display_is_written_without_one()
    {
        var json = FhirSamples.AuditEvents.Create(FhirSamples.Entry(AuditEventType.AccessGranted) with { Purpose = "HMARKT" });

        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.GetProperty("purposeOfEvent")[0].GetProperty("coding")[0].TryGetProperty("display", out _));
        Assert.True(s_validator.Validate(json).IsValid);
    }

    [Fact]
    public void AccessDenied_names_the_reason_code()
    {
        using var json = JsonDocument.Parse(FhirSamples.AuditEvents.Create(FhirSamples.Entry(AuditEventType.AccessDenied)));

        Assert.Equal("Access denied: Revoked", json.RootElement.GetProperty("outcomeDesc").GetString());
    }

    [Fact]
    public void AuditEvent_names_actor_patient_record_and_consent_by_identifier()
    {
        var text = Encoding.UTF8.GetString(FhirSamples.AuditEvents.Create(FhirSamples.Entry(AuditEventType.AccessGranted)));

        Assert.All([FhirSamples.Provider, FhirSamples.Patient, FhirSamples.RecordId, FhirSamples.ConsentId, FhirSamples.Service], id => Assert.Contains($"\"value\":\"{id}\"", text, StringComparison.Ordinal));
        Assert.Contains("record-id", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessDenied_has_only_the_patient_and_consent_entities_of_BALP_AuthZconsent()
    {
        using var json = JsonDocument.Parse(FhirSamples.AuditEvents.Create(FhirSamples.Entry(AuditEventType.AccessDenied)));

        Assert.Equal(["Patient", "Consent"], json.RootElement.GetProperty("entity").EnumerateArray().Select(e => e.GetProperty("what").GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData(AuditEventType.AnchorSubmitted)]
    [InlineData(AuditEventType.AnchorConfirmed)]
    [InlineData(AuditEventType.AnchorReorged)]
    public void Anchoring_entries_have_no_AuditEvent_view(AuditEventType type) =>
        Assert.Throws<ArgumentException>("entry", () => FhirSamples.AuditEvents.Create(FhirSamples.Entry(type)));

    [Fact]
    public void AuditEventView_refuses_a_service_identifier_that_is_not_a_URI() =>
        Assert.Throws<ArgumentException>("serviceIdentifier", () => new AuditEventView("not a uri"));

    [Fact]
    public void PatientQuery_stores_the_query_base64()
    {
        using var json = JsonDocument.Parse(FhirSamples.AuditEvents.CreatePatientQuery(Guid.NewGuid(), FhirSamples.Now, FhirSamples.Provider, FhirSamples.Patient, "GET /x?y=1"));

        Assert.Equal("GET /x?y=1", Encoding.UTF8.GetString(json.RootElement.GetProperty("entity")[1].GetProperty("query").GetBytesFromBase64()));
    }

    [Theory]
    [InlineData(false, "active")]
    [InlineData(true, "inactive")]
    public void Consent_status_follows_revocation(bool revoked, string status)
    {
        using var json = JsonDocument.Parse(ConsentView.Create(FhirSamples.Consent(), revoked));

        Assert.Equal(status, json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Consent_permits_the_grantee_for_the_credential_scope_purposes_and_period()
    {
        using var json = JsonDocument.Parse(ConsentView.Create(FhirSamples.Consent(), revoked: false));
        var provision = json.RootElement.GetProperty("provision");

        Assert.Equal(
            ("permit", FhirSamples.Provider, "TREAT,ETREAT", "Observation,Condition", FhirSamples.RecordId, "2026-11-20T10:00:00.000Z", "2027-05-20T10:00:00.000Z"),
            (provision.GetProperty("type").GetString(),
             provision.GetProperty("actor")[0].GetProperty("reference").GetProperty("identifier").GetProperty("value").GetString(),
             string.Join(',', provision.GetProperty("purpose").EnumerateArray().Select(p => p.GetProperty("code").GetString())),
             string.Join(',', provision.GetProperty("class").EnumerateArray().Select(p => p.GetProperty("code").GetString())),
             provision.GetProperty("data")[0].GetProperty("reference").GetProperty("identifier").GetProperty("value").GetString(),
             provision.GetProperty("period").GetProperty("start").GetString(), provision.GetProperty("period").GetProperty("end").GetString()));
    }

    [Theory]
    [InlineData(1, "CREATE")]
    [InlineData(2, "UPDATE")]
    public void Provenance_activity_follows_the_version(int version, string activity)
    {
        using var json = JsonDocument.Parse(ProvenanceView.Create(FhirSamples.Stored(version)));

        Assert.Equal(activity, json.RootElement.GetProperty("activity").GetProperty("coding")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void Provenance_refuses_version_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>("facts", () => ProvenanceView.Create(FhirSamples.Stored(0)));

    [Fact]
    public void Searchset_Bundle_counts_its_events()
    {
        var events = FhirSamples.PatientEventTypes.Select((t, i) => FhirSamples.AuditEvents.Create(FhirSamples.Entry(t, i))).ToList();

        using var json = JsonDocument.Parse(AuditEventBundle.Create(AuditBundleType.Searchset, Guid.NewGuid(), FhirSamples.Now, events));

        Assert.Equal((events.Count, events.Count), (json.RootElement.GetProperty("total").GetInt32(), json.RootElement.GetProperty("entry").GetArrayLength()));
    }

    [Fact]
    public void Bundle_refuses_an_item_that_is_not_an_AuditEvent() =>
        Assert.Throws<ArgumentException>("auditEvents", () => AuditEventBundle.Create(AuditBundleType.Collection, Guid.NewGuid(), FhirSamples.Now, [ProvenanceView.Create(FhirSamples.Stored(1))]));
}
