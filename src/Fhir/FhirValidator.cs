using System.Text.Json;
using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir;

/// <summary>
/// Validates a FHIR R4 resource given as UTF-8 JSON against the element table generated from the official R4
/// StructureDefinitions: known elements, cardinality, JSON shape, primitive formats, choice types, required bindings, contained
/// and Bundle resources, and a few invariants R4 leaves unenforced (specs/fhir.md).
/// </summary>
/// <remarks>
/// Sources: FHIR R4 4.0.1 JSON representation (https://hl7.org/fhir/R4/json.html), data types (datatypes.html), terminology
/// binding (terminologies.html, "required"), and the invariants named on each issue. The validator never throws on bad input;
/// it reports issues, and issues never echo submitted values, which may be health data.
/// </remarks>
public sealed partial class FhirValidator
{
    /// <summary>The default largest document accepted, in bytes (4 MiB).</summary>
    public const int DefaultMaxLength = 4 * 1024 * 1024;

    /// <summary>The default deepest JSON nesting accepted.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The most issues reported for one document; validation stops collecting after that.</summary>
    public const int MaxIssues = 100;

    /// <summary>The longest FHIR string accepted, in characters (R4 datatypes: strings SHALL NOT exceed 1 MB).</summary>
    public const int MaxStringLength = 1024 * 1024;

    private readonly FhirDefinitions _definitions;

    /// <summary>Creates a validator with the given limits.</summary>
    /// <param name="maxLength">The largest document accepted, in bytes.</param>
    /// <param name="maxDepth">The deepest JSON nesting accepted.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive, or the depth is over 256.</exception>
    public FhirValidator(int maxLength = DefaultMaxLength, int maxDepth = DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, 256);
        MaxLength = maxLength;
        MaxDepth = maxDepth;
        _definitions = FhirDefinitions.Instance;
    }

    /// <summary>Gets the largest document accepted, in bytes.</summary>
    public int MaxLength { get; }

    /// <summary>Gets the deepest JSON nesting accepted.</summary>
    public int MaxDepth { get; }

    /// <summary>Gets the names of all concrete R4 resource types.</summary>
    public IReadOnlySet<string> ResourceTypes => _definitions.Resources;

    /// <summary>Validates one resource.</summary>
    /// <param name="json">The resource's UTF-8 JSON.</param>
    /// <returns>The result: valid, or the issues with their FHIRPath expressions.</returns>
    public FhirValidationResult Validate(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxLength)
        {
            return Fail(FhirIssueType.TooLong, $"The document is {json.Length} bytes; at most {MaxLength} are accepted.");
        }

        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return Fail(FhirIssueType.Structure, "The document is not valid UTF-8.");
        }

        if (Prescan(json) is { } prescanIssue)
        {
            return new FhirValidationResult(null, [prescanIssue]);
        }

        JsonDocument document;
        try
        {
            // Comments and trailing commas are not JSON (RFC 8259), so they stay refused.
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth + 1 });
        }
        catch (JsonException e)
        {
            // The exception's message can quote the document; only the position is passed on.
            return Fail(FhirIssueType.Structure, $"The JSON is malformed at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}.");
        }

        using (document)
        {
            var walker = new Walker(_definitions);
            var root = document.RootElement;
            walker.Resource(root, expression: null);
            var resourceType = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("resourceType", out var type)
                && type.ValueKind == JsonValueKind.String && _definitions.Resources.Contains(type.GetString()!) ? type.GetString() : null;
            return new FhirValidationResult(resourceType, walker.Issues);
        }
    }

    private static bool DecodesToText(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static FhirValidationResult Fail(FhirIssueType type, string diagnostics) => new(null, [new FhirValidationIssue(type, null, diagnostics)]);

    /// <summary>
    /// One pass before building a document: nesting beyond the limit (so the issue can say so rather than "malformed"), and
    /// escapes that are no character (an unpaired surrogate such as <c>\uD800</c> is valid JSON and valid UTF-8, but no string
    /// can hold it: reading it later would throw).
    /// </summary>
    private FhirValidationIssue? Prescan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 2 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
                {
                    return new FhirValidationIssue(FhirIssueType.TooLong, null, $"The JSON nests deeper than {MaxDepth} levels.");
                }

                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !DecodesToText(ref reader))
                {
                    return new FhirValidationIssue(
                        FhirIssueType.Structure, null, $"The JSON has an escape that is no character (an unpaired surrogate) at byte {reader.TokenStartIndex + 1}.");
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is reported by the parser with its position.
        }

        return null;
    }
}
