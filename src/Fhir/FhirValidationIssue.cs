namespace IdentityEhr.Fhir;

/// <summary>One problem found in a resource; it names the element and the rule, never the submitted value.</summary>
/// <param name="Type">The FHIR issue type.</param>
/// <param name="Expression">The FHIRPath of the element, such as <c>Patient.name[0].given[1]</c>, or <see langword="null"/> for the whole document.</param>
/// <param name="Diagnostics">What rule was broken, in one sentence with no submitted data in it.</param>
public sealed record FhirValidationIssue(FhirIssueType Type, string? Expression, string Diagnostics)
{
    /// <summary>Gets the issue type's FHIR code, such as <c>code-invalid</c>.</summary>
    public string Code => Type switch
    {
        FhirIssueType.Structure => "structure",
        FhirIssueType.Required => "required",
        FhirIssueType.Value => "value",
        FhirIssueType.CodeInvalid => "code-invalid",
        FhirIssueType.Invariant => "invariant",
        FhirIssueType.NotSupported => "not-supported",
        FhirIssueType.TooLong => "too-long",
        _ => "invalid",
    };
}
