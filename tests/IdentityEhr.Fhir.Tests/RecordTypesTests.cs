using IdentityEhr.Fhir.Records;

namespace IdentityEhr.Fhir.Tests;

public sealed class RecordTypesTests
{
    [Theory]
    [InlineData("Condition", RecordType.Diagnosis)]
    [InlineData("Observation", RecordType.LabResult)]
    [InlineData("DiagnosticReport", RecordType.LabResult)]
    [InlineData("MedicationRequest", RecordType.Prescription)]
    [InlineData("ImagingStudy", RecordType.Imaging)]
    [InlineData("Immunization", RecordType.Vaccination)]
    [InlineData("Procedure", RecordType.Surgery)]
    [InlineData("MedicationStatement", RecordType.Other)]
    [InlineData("Patient", RecordType.Other)]
    [InlineData("observation", RecordType.Other)]
    public void Resource_types_map_to_record_types(string resourceType, RecordType expected) =>
        Assert.Equal(expected, RecordTypes.Of(resourceType));

    [Theory]
    [InlineData(RecordType.Diagnosis, "diagnosis")]
    [InlineData(RecordType.LabResult, "lab-result")]
    [InlineData(RecordType.Prescription, "prescription")]
    [InlineData(RecordType.Imaging, "imaging")]
    [InlineData(RecordType.Vaccination, "vaccination")]
    [InlineData(RecordType.Surgery, "surgery")]
    [InlineData(RecordType.Other, "other")]
    public void Wire_names_round_trip(RecordType type, string wireName)
    {
        Assert.True(RecordTypes.TryParseWireName(wireName, out var parsed));
        Assert.Equal((wireName, type), (RecordTypes.WireName(type), parsed));
    }

    [Theory]
    [InlineData("Lab-Result")]
    [InlineData("LabResult")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_spellings_are_not_wire_names(string? text) => Assert.False(RecordTypes.TryParseWireName(text, out _));

    [Fact]
    public void Of_null_throws() => Assert.Throws<ArgumentNullException>("resourceType", () => RecordTypes.Of(null!));

    [Fact]
    public void Every_mapped_type_is_an_R4_resource_type() =>
        Assert.All(["Condition", "Observation", "DiagnosticReport", "MedicationRequest", "ImagingStudy", "Immunization", "Procedure"],
            t => Assert.Contains(t, new FhirValidator().ResourceTypes));
}
