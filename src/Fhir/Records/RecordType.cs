namespace IdentityEhr.Fhir.Records;

/// <summary>The kinds of medical record the service stores (DESIGN.md seed types); <see cref="RecordTypes"/> maps FHIR resource types to them.</summary>
public enum RecordType
{
    /// <summary>A diagnosis (FHIR Condition); wire name <c>diagnosis</c>.</summary>
    Diagnosis,

    /// <summary>A laboratory result (FHIR Observation, DiagnosticReport); wire name <c>lab-result</c>.</summary>
    LabResult,

    /// <summary>A prescription (FHIR MedicationRequest); wire name <c>prescription</c>.</summary>
    Prescription,

    /// <summary>An imaging study (FHIR ImagingStudy); wire name <c>imaging</c>.</summary>
    Imaging,

    /// <summary>A vaccination (FHIR Immunization); wire name <c>vaccination</c>.</summary>
    Vaccination,

    /// <summary>A surgery or other procedure (FHIR Procedure); wire name <c>surgery</c>.</summary>
    Surgery,

    /// <summary>Any other FHIR resource; wire name <c>other</c>.</summary>
    Other,
}
