using System.Text.Json;

namespace IdentityEhr.Fhir;

/// <summary>The outcome of validating one resource: its type, the issues, and the same issues as a FHIR OperationOutcome.</summary>
public sealed class FhirValidationResult
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal FhirValidationResult(string? resourceType, IReadOnlyList<FhirValidationIssue> issues)
    {
        ResourceType = resourceType;
        Issues = issues;
    }

    /// <summary>Gets a value indicating whether the resource has no issues.</summary>
    public bool IsValid => Issues.Count == 0;

    /// <summary>Gets the resource's type when it is a known R4 resource type, else <see langword="null"/>.</summary>
    public string? ResourceType { get; }

    /// <summary>Gets the issues in the order found: each object's own properties first, then what it lacks (at most <see cref="FhirValidator.MaxIssues"/>).</summary>
    public IReadOnlyList<FhirValidationIssue> Issues { get; }

    /// <summary>Writes the issues as a FHIR R4 OperationOutcome.</summary>
    /// <returns>The OperationOutcome's UTF-8 JSON: one <c>error</c> issue per problem, or one <c>information</c> issue when valid.</returns>
    /// <remarks>OperationOutcome.issue is 1..* in R4, so a valid result still carries one informational issue.</remarks>
    public byte[] ToOperationOutcome()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("resourceType", "OperationOutcome");
            writer.WriteStartArray("issue");
            if (IsValid)
            {
                writer.WriteStartObject();
                writer.WriteString("severity", "information");
                writer.WriteString("code", "informational");
                writer.WriteString("diagnostics", "No issues found.");
                writer.WriteEndObject();
            }

            foreach (var issue in Issues)
            {
                writer.WriteStartObject();
                writer.WriteString("severity", "error");
                writer.WriteString("code", issue.Code);
                writer.WriteString("diagnostics", issue.Diagnostics);
                if (issue.Expression is { } expression)
                {
                    writer.WriteStartArray("expression");
                    writer.WriteStringValue(expression);
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
