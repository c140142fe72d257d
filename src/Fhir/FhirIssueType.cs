namespace IdentityEhr.Fhir;

/// <summary>The FHIR R4 IssueType codes the validator reports (value set <c>issue-type</c>, https://hl7.org/fhir/R4/valueset-issue-type.html).</summary>
public enum FhirIssueType
{
    /// <summary><c>structure</c>: malformed JSON, an unknown element, the wrong JSON shape, or too many repetitions.</summary>
    Structure,

    /// <summary><c>required</c>: a required element is missing.</summary>
    Required,

    /// <summary><c>value</c>: a primitive has the wrong JSON kind or does not match its R4 format.</summary>
    Value,

    /// <summary><c>code-invalid</c>: a code is not in the value set of a required binding.</summary>
    CodeInvalid,

    /// <summary><c>invariant</c>: a rule across elements (an R4 invariant, or an R4 gap we enforce) is broken.</summary>
    Invariant,

    /// <summary><c>not-supported</c>: the resource type is not an R4 resource type.</summary>
    NotSupported,

    /// <summary><c>too-long</c>: the document is larger or nested deeper than the validator accepts.</summary>
    TooLong,
}
