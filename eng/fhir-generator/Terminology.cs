using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IdentityEhr.Fhir.Generator;

/// <summary>Expands the R4 ValueSets named by required bindings from the CodeSystems in the package, or says why it cannot.</summary>
/// <remarks>
/// Implements the part of ValueSet.compose (FHIR R4 §4.9) the core required bindings use: whole code systems, enumerated
/// concepts, imported value sets, and is-a / descendent-of filters on the concept hierarchy. Anything else (a code system
/// that is not in the package, such as BCP-47 or MIME types, a non-complete code system, another filter) makes the value
/// set unexpandable, and the validator then skips the code check for it.
/// </remarks>
internal sealed class Terminology
{
    private readonly Dictionary<string, string> _valueSetFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _codeSystemFiles = new(StringComparer.Ordinal);

    public Terminology(string packageFolder)
    {
        Index(packageFolder, "ValueSet-*.json", _valueSetFiles);
        Index(packageFolder, "CodeSystem-*.json", _codeSystemFiles);
    }

    public bool TryExpand(string url, [NotNullWhen(true)] out SortedDictionary<string, SortedSet<string>>? codes, [NotNullWhen(false)] out string? reason)
    {
        codes = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        reason = Expand(url, codes, depth: 0);
        if (reason is not null)
        {
            codes = null;
            return false;
        }

        return true;
    }

    private static void Index(string folder, string pattern, Dictionary<string, string> index)
    {
        foreach (var file in Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal))
        {
            // Only the url is needed here; the files are read in full again when used.
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            if (FhirDefinitionGenerator.Str(document.RootElement, "url") is { } url)
            {
                index.TryAdd(url, file);
            }
        }
    }

    private string? Expand(string url, SortedDictionary<string, SortedSet<string>> codes, int depth)
    {
        if (depth > 8)
        {
            return "value set imports nest too deep";
        }

        if (!_valueSetFiles.TryGetValue(url, out var file))
        {
            return "value set not in the package";
        }

        var valueSet = FhirDefinitionGenerator.ReadJson(file);
        if (!valueSet.TryGetProperty("compose", out var compose))
        {
            return "value set has no compose";
        }

        if (compose.TryGetProperty("exclude", out _))
        {
            return "value set uses compose.exclude";
        }

        foreach (var include in compose.GetProperty("include").EnumerateArray())
        {
            var system = FhirDefinitionGenerator.Str(include, "system");
            if (include.TryGetProperty("valueSet", out var imports))
            {
                if (system is not null)
                {
                    return "value set intersects a system with imports";
                }

                foreach (var import in imports.EnumerateArray())
                {
                    if (Expand(import.GetString()!.Split('|')[0], codes, depth + 1) is { } failed)
                    {
                        return failed;
                    }
                }

                continue;
            }

            if (system is null)
            {
                return "include without a system";
            }

            var set = codes.TryGetValue(system, out var existing) ? existing : codes[system] = new SortedSet<string>(StringComparer.Ordinal);
            if (include.TryGetProperty("concept", out var concepts))
            {
                // Enumerated codes are taken as listed; R4 lets a value set name codes of a system the package does not hold.
                foreach (var concept in concepts.EnumerateArray())
                {
                    set.Add(FhirDefinitionGenerator.Str(concept, "code")!);
                }

                continue;
            }

            if (!_codeSystemFiles.TryGetValue(system, out var codeSystemFile))
            {
                return $"code system {system} is not in the package";
            }

            var codeSystem = FhirDefinitionGenerator.ReadJson(codeSystemFile);
            if (FhirDefinitionGenerator.Str(codeSystem, "content") != "complete")
            {
                return $"code system {system} is not complete in the package";
            }

            if (!include.TryGetProperty("filter", out var filters))
            {
                AddAll(codeSystem, set);
                continue;
            }

            if (filters.GetArrayLength() != 1)
            {
                return "more than one filter";
            }

            var filter = filters[0];
            var op = FhirDefinitionGenerator.Str(filter, "op");
            if (FhirDefinitionGenerator.Str(filter, "property") != "concept" || op is not ("is-a" or "descendent-of")
                || FindConcept(codeSystem.GetProperty("concept"), FhirDefinitionGenerator.Str(filter, "value")!) is not { } root)
            {
                return "unsupported filter";
            }

            if (op == "is-a")
            {
                set.Add(FhirDefinitionGenerator.Str(root, "code")!);
            }

            if (root.TryGetProperty("concept", out var children))
            {
                AddNested(children, set);
            }
        }

        return null;
    }

    private static void AddAll(JsonElement codeSystem, SortedSet<string> set)
    {
        if (codeSystem.TryGetProperty("concept", out var concepts))
        {
            AddNested(concepts, set);
        }
    }

    private static void AddNested(JsonElement concepts, SortedSet<string> set)
    {
        foreach (var concept in concepts.EnumerateArray())
        {
            set.Add(FhirDefinitionGenerator.Str(concept, "code")!);
            if (concept.TryGetProperty("concept", out var children))
            {
                AddNested(children, set);
            }
        }
    }

    private static JsonElement? FindConcept(JsonElement concepts, string code)
    {
        foreach (var concept in concepts.EnumerateArray())
        {
            if (FhirDefinitionGenerator.Str(concept, "code") == code)
            {
                return concept;
            }

            if (concept.TryGetProperty("concept", out var children) && FindConcept(children, code) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
