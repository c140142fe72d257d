using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IdentityEhr.Fhir.Generator;

/// <summary>
/// Turns the official FHIR R4 StructureDefinitions, ValueSets and CodeSystems into the compact element table the
/// validator embeds: for every resource and data type, each element's JSON name, cardinality, type and required binding.
/// </summary>
/// <remarks>
/// Source: FHIR R4 4.0.1, StructureDefinition snapshots (https://hl7.org/fhir/R4/elementdefinition.html) and terminology
/// (https://hl7.org/fhir/R4/valueset.html, "compose"). The output is sorted and written byte for byte the same on every run,
/// so a test can regenerate it and compare.
/// </remarks>
public static class FhirDefinitionGenerator
{
    /// <summary>The npm package folder, relative to the repository root.</summary>
    public const string PackageFolder = "node_modules/hl7.fhir.r4.examples";

    /// <summary>The generated file, relative to the repository root.</summary>
    public const string OutputFile = "src/Fhir/Definitions/r4-definitions.json";

    /// <summary>The command that regenerates the file, run from the repository root.</summary>
    public const string Command = "dotnet run --project eng/fhir-generator";

    private const string FhirTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";
    private const string RegexExtension = "http://hl7.org/fhir/StructureDefinition/regex";
    private const string FhirPathPrefix = "http://hl7.org/fhirpath/System.";

    private static readonly JsonSerializerOptions s_stringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Finds the repository root: the nearest folder at or above <paramref name="start"/> holding <c>IdentityEhr.sln</c>.</summary>
    /// <param name="start">Where to start looking.</param>
    /// <returns>The root folder.</returns>
    /// <exception cref="InvalidOperationException">No folder above holds the solution.</exception>
    public static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IdentityEhr.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IdentityEhr.sln at or above {start}.");
    }

    /// <summary>Generates the definitions file from the package folder.</summary>
    /// <param name="packageFolder">The unpacked <c>hl7.fhir.r4.examples</c> 4.0.1 package.</param>
    /// <returns>The file's UTF-8 bytes (LF line ends).</returns>
    public static byte[] Generate(string packageFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageFolder);
        var definitions = Directory.GetFiles(packageFolder, "StructureDefinition-*.json")
            .Select(ReadJson)
            // Element and Resource, the roots, have no derivation; profiles (derivation "constraint") are not base types.
            .Where(d => Str(d, "derivation") is "specialization" or null && Str(d, "kind") is "resource" or "complex-type" or "primitive-type")
            .ToDictionary(d => Str(d, "name")!, StringComparer.Ordinal);

        var primitives = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        var resources = new SortedSet<string>(StringComparer.Ordinal);
        var types = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var valueSetUrls = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, sd) in definitions)
        {
            var kind = Str(sd, "kind");
            if (kind == "primitive-type")
            {
                primitives[name] = PrimitiveRegex(sd, name);
                continue;
            }

            if (kind == "resource" && !sd.GetProperty("abstract").GetBoolean())
            {
                resources.Add(name);
            }

            types[name] = Elements(sd, valueSetUrls);
        }

        var terminology = new Terminology(packageFolder);
        var output = new StringBuilder();
        output.Append("{\"fhirVersion\":\"4.0.1\",\n\"primitives\":{");
        output.AppendJoin(',', primitives.Select(p => $"{Quote(p.Key)}:{(p.Value is null ? "null" : Quote(p.Value))}"));
        output.Append("},\n\"resources\":[").AppendJoin(',', resources.Select(Quote)).Append("],\n\"types\":{");
        var firstType = true;
        foreach (var (name, elements) in types)
        {
            output.Append(firstType ? "\n" : ",\n").Append(Quote(name)).Append(":[\n");
            output.AppendJoin(",\n", elements).Append(']');
            firstType = false;
        }

        output.Append("},\n\"valueSets\":{");
        var firstSet = true;
        foreach (var url in valueSetUrls)
        {
            output.Append(firstSet ? "\n" : ",\n").Append(Quote(url)).Append(':');
            firstSet = false;
            if (!terminology.TryExpand(url, out var codes, out var reason))
            {
                // Recorded, so the validator knows the binding exists and skips only its code check (specs/fhir.md, "Limits").
                output.Append("{\"unexpandable\":").Append(Quote(reason)).Append('}');
                continue;
            }

            output.Append('{').AppendJoin(',', codes.Select(s => $"{Quote(s.Key)}:[{string.Join(',', s.Value.Select(Quote))}]")).Append('}');
        }

        output.Append("}}\n");
        return new UTF8Encoding(false).GetBytes(output.ToString());
    }

    private static List<string> Elements(JsonElement sd, SortedSet<string> valueSetUrls)
    {
        var rows = new List<(string Path, string Row)>();
        foreach (var element in sd.GetProperty("snapshot").GetProperty("element").EnumerateArray())
        {
            var path = Str(element, "path")!;
            if (!path.Contains('.', StringComparison.Ordinal) || element.TryGetProperty("sliceName", out _))
            {
                continue;
            }

            var min = element.GetProperty("min").GetInt32();
            var max = Str(element, "max")!;
            string? valueSet = null;
            if (element.TryGetProperty("binding", out var binding) && Str(binding, "strength") == "required" && Str(binding, "valueSet") is { } bound)
            {
                valueSet = bound.Split('|')[0];
                valueSetUrls.Add(valueSet);
            }

            if (Str(element, "contentReference") is { } reference)
            {
                rows.Add((path, Row(path, min, max, reference, "", valueSet)));
                continue;
            }

            var typeCodes = element.GetProperty("type").EnumerateArray().Select(t => TypeCode(t, element)).ToList();
            if (path.EndsWith("[x]", StringComparison.Ordinal))
            {
                // A choice element appears in JSON once per allowed type, as name + type with its first letter upper-cased.
                var stem = path[..^3];
                foreach (var code in typeCodes)
                {
                    var jsonPath = stem + char.ToUpperInvariant(code[0]) + code[1..];
                    rows.Add((jsonPath, Row(jsonPath, min, max, code, path, valueSet)));
                }

                continue;
            }

            rows.Add((path, Row(path, min, max, typeCodes.Single(), "", valueSet)));
        }

        return [.. rows.OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => r.Row)];
    }

    private static string TypeCode(JsonElement type, JsonElement element)
    {
        var code = Str(type, "code")!;
        if (!code.StartsWith(FhirPathPrefix, StringComparison.Ordinal))
        {
            return code;
        }

        // R4 quirk: Resource.id is System.String with fhir-type "string" in the snapshots, but the spec and the R4 JSON schema
        // make it an id ([A-Za-z0-9\-\.]{1,64}); every resource inherits it, so it is corrected here once.
        if (element.TryGetProperty("base", out var b) && Str(b, "path") == "Resource.id")
        {
            return "id";
        }

        return type.TryGetProperty("extension", out var extensions)
            ? extensions.EnumerateArray().Where(e => Str(e, "url") == FhirTypeExtension).Select(e => Str(e, "valueUrl")).FirstOrDefault() ?? "string"
            : "string";
    }

    private static string? PrimitiveRegex(JsonElement sd, string name)
    {
        foreach (var element in sd.GetProperty("snapshot").GetProperty("element").EnumerateArray())
        {
            if (Str(element, "path") == name + ".value" && element.TryGetProperty("type", out var typesOf))
            {
                foreach (var type in typesOf.EnumerateArray())
                {
                    if (type.TryGetProperty("extension", out var extensions))
                    {
                        foreach (var extension in extensions.EnumerateArray())
                        {
                            if (Str(extension, "url") == RegexExtension)
                            {
                                return Str(extension, "valueString");
                            }
                        }
                    }
                }
            }
        }

        return null;
    }

    private static string Row(string path, int min, string max, string type, string choice, string? valueSet) =>
        $"[{Quote(path)},{min.ToString(CultureInfo.InvariantCulture)},{Quote(max)},{Quote(type)},{Quote(choice)},{(valueSet is null ? "null" : Quote(valueSet))}]";

    private static string Quote(string value) => JsonSerializer.Serialize(value, s_stringOptions);

    internal static string? Str(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }
}
