using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IdentityEhr.Fhir.Internal;

/// <summary>The element table generated from the R4 StructureDefinitions (<c>Definitions/r4-definitions.json</c>), loaded once.</summary>
internal sealed class FhirDefinitions
{
    private const string ResourceName = "IdentityEhr.Fhir.r4-definitions.json";

    private static readonly Lazy<FhirDefinitions> s_instance = new(Load);

    private FhirDefinitions(
        FrozenDictionary<string, Regex?> primitives, FrozenSet<string> resources,
        FrozenDictionary<string, FrozenDictionary<string, FrozenDictionary<string, FhirElement>>> children,
        FrozenDictionary<string, ValueSetCodes> valueSets)
    {
        Primitives = primitives;
        Resources = resources;
        Children = children;
        ValueSets = valueSets;
    }

    /// <summary>Gets the table, loading it on first use.</summary>
    public static FhirDefinitions Instance => s_instance.Value;

    /// <summary>Gets the primitive types with their anchored R4 regex (<see langword="null"/> for xhtml, which has none).</summary>
    public FrozenDictionary<string, Regex?> Primitives { get; }

    /// <summary>Gets the concrete resource type names.</summary>
    public FrozenSet<string> Resources { get; }

    /// <summary>Gets, per type name, the children of each element path, keyed by their JSON property name.</summary>
    public FrozenDictionary<string, FrozenDictionary<string, FrozenDictionary<string, FhirElement>>> Children { get; }

    /// <summary>Gets the required value sets by canonical URL.</summary>
    public FrozenDictionary<string, ValueSetCodes> ValueSets { get; }

    /// <summary>
    /// Gives <c>\s</c> and <c>\S</c> their meaning in the R4 patterns (XML Schema and Java regexes, where whitespace is
    /// only space, tab, CR, LF, VT and FF); in .NET they would also take Unicode spaces such as U+00A0, which R4 strings allow.
    /// </summary>
    internal static string AsciiWhitespace(string pattern)
    {
        const string Space = " \\t\\n\\x0B\\f\\r";
        const string NotSpace = "\\x00-\\x08\\x0E-\\x1F\\x21-\\uFFFF";
        var result = new System.Text.StringBuilder(pattern.Length * 2);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                result.Append(next switch
                {
                    's' => inClass ? Space : $"[{Space}]",
                    'S' => inClass ? NotSpace : $"[{NotSpace}]",
                    _ => $"\\{next}",
                });
                continue;
            }

            inClass = c switch
            {
                '[' => true,
                ']' => false,
                _ => inClass,
            };
            result.Append(c);
        }

        return result.ToString();
    }

    private static FhirDefinitions Load()
    {
        using var stream = typeof(FhirDefinitions).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;

        var primitives = new Dictionary<string, Regex?>(StringComparer.Ordinal);
        foreach (var primitive in root.GetProperty("primitives").EnumerateObject())
        {
            // Anchored with \z (not $, which also matches before a final newline). NonBacktracking: the input is untrusted, and
            // linear-time matching rules out catastrophic backtracking whatever the pattern.
            primitives[primitive.Name] = primitive.Value.GetString() is { } pattern
                ? new Regex($"^(?:{AsciiWhitespace(pattern)})\\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)
                : null;
        }

        var resources = root.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!).ToFrozenSet(StringComparer.Ordinal);
        var children = new Dictionary<string, FrozenDictionary<string, FrozenDictionary<string, FhirElement>>>(StringComparer.Ordinal);
        foreach (var type in root.GetProperty("types").EnumerateObject())
        {
            var byOwner = new Dictionary<string, Dictionary<string, FhirElement>>(StringComparer.Ordinal);
            foreach (var row in type.Value.EnumerateArray())
            {
                var path = row[0].GetString()!;
                var max = row[2].GetString()!;
                var choice = row[4].GetString()!;
                var element = new FhirElement(
                    path, path[(path.LastIndexOf('.') + 1)..], row[1].GetInt32(), max == "*" ? int.MaxValue : int.Parse(max, System.Globalization.CultureInfo.InvariantCulture),
                    row[3].GetString()!, choice.Length == 0 ? null : choice, row[5].ValueKind == JsonValueKind.String ? row[5].GetString() : null);
                var owner = path[..path.LastIndexOf('.')];
                if (!byOwner.TryGetValue(owner, out var siblings))
                {
                    byOwner[owner] = siblings = new Dictionary<string, FhirElement>(StringComparer.Ordinal);
                }

                siblings[element.Name] = element;
            }

            children[type.Name] = byOwner.ToFrozenDictionary(o => o.Key, o => o.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
        }

        var valueSets = new Dictionary<string, ValueSetCodes>(StringComparer.Ordinal);
        foreach (var valueSet in root.GetProperty("valueSets").EnumerateObject())
        {
            if (valueSet.Value.TryGetProperty("unexpandable", out _))
            {
                valueSets[valueSet.Name] = new ValueSetCodes(Expandable: false, FrozenDictionary<string, FrozenSet<string>>.Empty, FrozenSet<string>.Empty);
                continue;
            }

            var systems = valueSet.Value.EnumerateObject().ToFrozenDictionary(
                s => s.Name, s => s.Value.EnumerateArray().Select(c => c.GetString()!).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
            valueSets[valueSet.Name] = new ValueSetCodes(Expandable: true, systems, systems.Values.SelectMany(c => c).ToFrozenSet(StringComparer.Ordinal));
        }

        return new FhirDefinitions(primitives.ToFrozenDictionary(StringComparer.Ordinal), resources,
            children.ToFrozenDictionary(StringComparer.Ordinal), valueSets.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
