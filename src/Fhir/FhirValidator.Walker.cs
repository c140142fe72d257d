using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir;

public sealed partial class FhirValidator
{
    /// <summary>Walks one parsed document with the element table, collecting issues; one walker per call, never shared.</summary>
    private sealed class Walker(FhirDefinitions definitions)
    {
        private const string ConsentScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope";

        private static readonly FrozenSet<string> s_patientScopes = FrozenSet.Create(StringComparer.Ordinal, "patient-privacy", "research", "adr", "treatment");
        private static readonly FrozenSet<string> s_numberTypes = FrozenSet.Create(StringComparer.Ordinal, "integer", "decimal", "positiveInt", "unsignedInt");
        private static readonly FrozenSet<string> s_integerTypes = FrozenSet.Create(StringComparer.Ordinal, "integer", "positiveInt", "unsignedInt");
        private static readonly FrozenDictionary<string, FhirElement> s_noChildren = FrozenDictionary<string, FhirElement>.Empty;

        private readonly List<FhirValidationIssue> _issues = [];

        public IReadOnlyList<FhirValidationIssue> Issues => _issues;

        /// <summary>Validates a resource at the root (<paramref name="expression"/> null) or nested (contained, Bundle entry).</summary>
        public void Resource(JsonElement json, string? expression)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                Add(FhirIssueType.Structure, expression, "A resource must be a JSON object.");
                return;
            }

            if (!json.TryGetProperty("resourceType", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                Add(FhirIssueType.Required, expression is null ? "resourceType" : expression + ".resourceType", "A resource needs resourceType, a JSON string.");
                return;
            }

            var type = typeElement.GetString()!;
            if (!definitions.Resources.Contains(type))
            {
                Add(FhirIssueType.NotSupported, expression is null ? "resourceType" : expression + ".resourceType", "resourceType is not an R4 resource type.");
                return;
            }

            var prefix = expression ?? type;
            Object(json, type, type, prefix, isResource: true);
            switch (type)
            {
                case "Consent":
                    ConsentRules(json, prefix);
                    break;
                case "Bundle":
                    BundleRules(json, prefix);
                    break;
                case "AuditEvent":
                    AuditEventRules(json, prefix);
                    break;
            }
        }

        private void Add(FhirIssueType type, string? expression, string diagnostics)
        {
            if (_issues.Count < MaxIssues)
            {
                _issues.Add(new FhirValidationIssue(type, expression, diagnostics));
            }
        }

        private void Object(JsonElement json, string typeName, string ownerPath, string expression, bool isResource)
        {
            var children = definitions.Children.TryGetValue(typeName, out var byOwner) && byOwner.TryGetValue(ownerPath, out var found) ? found : s_noChildren;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in json.EnumerateObject())
            {
                var name = property.Name;
                var at = expression + "." + name;
                if (!seen.Add(name))
                {
                    Add(FhirIssueType.Structure, at, "The property appears twice in one JSON object.");
                    continue;
                }

                if (isResource && name == "resourceType")
                {
                    continue;
                }

                if (name.Length > 1 && name[0] == '_')
                {
                    PrimitiveExtension(json, children, name, property.Value, at);
                    continue;
                }

                if (!children.TryGetValue(name, out var element))
                {
                    Unknown(children, ownerPath, name, at);
                    continue;
                }

                json.TryGetProperty("_" + name, out var companion);
                Value(typeName, element, property.Value, companion, at);
            }

            Required(json, children, expression);
        }

        private void Unknown(FrozenDictionary<string, FhirElement> children, string ownerPath, string name, string at)
        {
            // A misspelt choice suffix (valueFoo) gets a message naming the choice; anything else is simply unknown.
            var choice = children.Values.FirstOrDefault(c => c.Choice is { } x && ChoiceStem(x) is var stem
                && name.Length > stem.Length && name.StartsWith(stem, StringComparison.Ordinal) && char.IsAsciiLetterUpper(name[stem.Length]));
            Add(FhirIssueType.Structure, at, choice is not null
                ? $"The type suffix is not one of the types allowed for {choice.Choice}."
                : $"Unknown element: {ownerPath} has no element of this name.");
        }

        private void Required(JsonElement json, FrozenDictionary<string, FhirElement> children, string expression)
        {
            Dictionary<string, List<string>>? choices = null;
            foreach (var element in children.Values.OrderBy(c => c.Path, StringComparer.Ordinal))
            {
                if (element.Choice is { } choice)
                {
                    choices ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
                    if (!choices.TryGetValue(choice, out var present))
                    {
                        choices[choice] = present = [];
                    }

                    if (Has(json, element.Name))
                    {
                        present.Add(element.Name);
                    }

                    continue;
                }

                if (element.Min >= 1 && !Has(json, element.Name))
                {
                    Add(FhirIssueType.Required, expression + "." + element.Name, $"{element.Path} is required (minimum cardinality {element.Min}).");
                }
            }

            foreach (var (choice, present) in choices ?? [])
            {
                var min = children.Values.First(c => c.Choice == choice).Min;
                if (present.Count > 1)
                {
                    Add(FhirIssueType.Structure, expression + "." + present[1], $"{choice} is a choice: give exactly one of its types, not {present.Count}.");
                }
                else if (present.Count == 0 && min >= 1)
                {
                    Add(FhirIssueType.Required, expression + "." + ChoiceStem(choice), $"{choice} is required (minimum cardinality {min}).");
                }
            }
        }

        /// <summary>The JSON name stem of a choice element: <c>value</c> for <c>Observation.value[x]</c>.</summary>
        private static string ChoiceStem(string choice) => choice[(choice.LastIndexOf('.') + 1)..^3];

        private static bool Has(JsonElement json, string name) => json.TryGetProperty(name, out _) || json.TryGetProperty("_" + name, out _);

        private void Value(string typeName, FhirElement element, JsonElement value, JsonElement companion, string at)
        {
            var primitive = definitions.Primitives.ContainsKey(element.Type);
            if (value.ValueKind == JsonValueKind.Array)
            {
                if (element.Max <= 1)
                {
                    Add(FhirIssueType.Structure, at, $"{element.Path} has at most one value and must not be a JSON array.");
                    return;
                }

                var count = value.GetArrayLength();
                if (count == 0)
                {
                    Add(FhirIssueType.Structure, at, $"{element.Path} must not be an empty array (leave it out instead).");
                    return;
                }

                if (count > element.Max)
                {
                    Add(FhirIssueType.Structure, at, $"{element.Path} allows at most {element.Max} values.");
                }

                var aligned = primitive && companion.ValueKind == JsonValueKind.Array;
                if (aligned && companion.GetArrayLength() != count)
                {
                    Add(FhirIssueType.Structure, at, $"{element.Path} and its primitive extension array must have the same length.");
                    aligned = false;
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var itemAt = at + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                    if (item.ValueKind == JsonValueKind.Null)
                    {
                        // A null is allowed only as a placeholder where the aligned _element array carries the extension.
                        if (!aligned || companion[index].ValueKind == JsonValueKind.Null)
                        {
                            Add(FhirIssueType.Structure, itemAt, $"{element.Path} must not hold null.");
                        }
                    }
                    else
                    {
                        Item(typeName, element, item, itemAt);
                    }

                    index++;
                }

                return;
            }

            if (element.Max > 1)
            {
                Add(FhirIssueType.Structure, at, $"{element.Path} repeats, so it must be a JSON array.");
                return;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                Add(FhirIssueType.Structure, at, $"{element.Path} must not be null (leave it out instead).");
                return;
            }

            Item(typeName, element, value, at);
        }

        private void Item(string typeName, FhirElement element, JsonElement value, string at)
        {
            var type = element.Type;
            if (definitions.Primitives.ContainsKey(type))
            {
                Primitive(element, value, at);
                return;
            }

            if (type == "Resource")
            {
                Resource(value, at);
                return;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Add(FhirIssueType.Structure, at, $"{element.Path} must be a JSON object (type {(type[0] == '#' ? type[1..] : type)}).");
                return;
            }

            if (type[0] == '#')
            {
                // A content reference (Questionnaire.item.item) reuses an element of the same definition.
                Object(value, typeName, type[1..], at, isResource: false);
            }
            else if (type is "BackboneElement" or "Element" && definitions.Children[typeName].ContainsKey(element.Path))
            {
                Object(value, typeName, element.Path, at, isResource: false);
            }
            else
            {
                Object(value, type, type, at, isResource: false);
            }

            if (type == "Extension")
            {
                ExtensionRule(value, at);
            }

            Binding(element, value, at);
        }

        private void Primitive(FhirElement element, JsonElement value, string at)
        {
            var type = element.Type;
            var kind = type == "boolean" ? "boolean" : s_numberTypes.Contains(type) ? "number" : "string";
            var matches = kind switch
            {
                "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "number" => value.ValueKind == JsonValueKind.Number,
                _ => value.ValueKind == JsonValueKind.String,
            };
            if (!matches)
            {
                Add(FhirIssueType.Value, at, $"{element.Path} must be a JSON {kind} (FHIR {type}).");
                return;
            }

            if (kind == "boolean")
            {
                return;
            }

            var text = kind == "number" ? value.GetRawText() : value.GetString()!;
            if (text.Length == 0)
            {
                Add(FhirIssueType.Value, at, $"{element.Path} must not be an empty string (leave it out instead).");
                return;
            }

            if (text.Length > MaxStringLength)
            {
                Add(FhirIssueType.TooLong, at, $"{element.Path} is longer than {MaxStringLength} characters.");
                return;
            }

            if (definitions.Primitives[type] is { } regex && !regex.IsMatch(text))
            {
                Add(FhirIssueType.Value, at, $"{element.Path} is not a valid FHIR {type}.");
                return;
            }

            if (s_integerTypes.Contains(type) && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                Add(FhirIssueType.Value, at, $"{element.Path} is outside the 32-bit range of FHIR {type}.");
                return;
            }

            if (type == "code")
            {
                Binding(element, value, at);
            }
        }

        private void PrimitiveExtension(JsonElement owner, FrozenDictionary<string, FhirElement> children, string name, JsonElement value, string at)
        {
            if (!children.TryGetValue(name[1..], out var element) || !definitions.Primitives.ContainsKey(element.Type))
            {
                Add(FhirIssueType.Structure, at, "Unknown element: a primitive extension (_name) must belong to a primitive element.");
                return;
            }

            if (element.Max <= 1)
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    Add(FhirIssueType.Structure, at, $"The primitive extension of {element.Path} must be a JSON object.");
                    return;
                }

                Object(value, "Element", "Element", at, isResource: false);
                return;
            }

            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Add(FhirIssueType.Structure, at, $"The primitive extension of {element.Path} must be a non-empty JSON array.");
                return;
            }

            var values = owner.TryGetProperty(element.Name, out var v) && v.ValueKind == JsonValueKind.Array ? v : default;
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemAt = at + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                if (item.ValueKind == JsonValueKind.Null)
                {
                    if (values.ValueKind != JsonValueKind.Array || index >= values.GetArrayLength() || values[index].ValueKind == JsonValueKind.Null)
                    {
                        Add(FhirIssueType.Structure, itemAt, $"The primitive extension of {element.Path} may hold null only where the value is given.");
                    }
                }
                else if (item.ValueKind != JsonValueKind.Object)
                {
                    Add(FhirIssueType.Structure, itemAt, $"The primitive extension of {element.Path} must hold JSON objects.");
                }
                else
                {
                    Object(item, "Element", "Element", itemAt, isResource: false);
                }

                index++;
            }
        }

        private void Binding(FhirElement element, JsonElement value, string at)
        {
            if (element.ValueSet is not { } url || !definitions.ValueSets.TryGetValue(url, out var codes) || !codes.Expandable)
            {
                return;
            }

            var ok = element.Type switch
            {
                "code" => codes.AllCodes.Contains(value.GetString()!),
                "Coding" => CodingIn(value, codes),
                "CodeableConcept" => value.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array
                    && codings.EnumerateArray().Any(c => CodingIn(c, codes)),
                _ => true,
            };
            if (!ok)
            {
                Add(FhirIssueType.CodeInvalid, at, $"{element.Path} must have a code from the required value set {url}.");
            }
        }

        private static bool CodingIn(JsonElement coding, ValueSetCodes codes) =>
            coding.ValueKind == JsonValueKind.Object
            && coding.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String
            && coding.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            && codes.Systems.TryGetValue(system.GetString()!, out var set) && set.Contains(code.GetString()!);

        private void ExtensionRule(JsonElement extension, string at)
        {
            var hasValue = extension.EnumerateObject().Any(p => p.Name.StartsWith("value", StringComparison.Ordinal) || p.Name.StartsWith("_value", StringComparison.Ordinal));
            var hasExtensions = extension.TryGetProperty("extension", out _);
            if (hasValue == hasExtensions)
            {
                Add(FhirIssueType.Invariant, at, "ext-1: an extension has either a value[x] or nested extensions, not both and not neither.");
            }
        }

        private void ConsentRules(JsonElement consent, string prefix)
        {
            if (!Has(consent, "policy") && !Has(consent, "policyRule"))
            {
                Add(FhirIssueType.Invariant, prefix, "ppc-1: a Consent needs policy or policyRule.");
            }

            // R4's ppc-2..5 compare against system='something' and so never fire; their intent is enforced here.
            var needsPatient = consent.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.Object
                && scope.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array
                && codings.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.Object
                    && c.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == ConsentScopeSystem
                    && c.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && s_patientScopes.Contains(code.GetString()!));
            if (needsPatient && !Has(consent, "patient"))
            {
                Add(FhirIssueType.Required, prefix + ".patient",
                    "Consent.patient is required when the scope is patient-privacy, research, adr or treatment (the intent of R4 ppc-2..5).");
            }
        }

        private void BundleRules(JsonElement bundle, string prefix)
        {
            var type = bundle.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (Has(bundle, "total") && type is not ("searchset" or "history"))
            {
                Add(FhirIssueType.Invariant, prefix + ".total", "bdl-1: total only when the Bundle is a searchset or a history.");
            }

            if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            var fullUrls = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                var at = prefix + ".entry[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                index++;
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var hasResource = entry.TryGetProperty("resource", out var resource);
                var hasRequest = entry.TryGetProperty("request", out _);
                var hasResponse = entry.TryGetProperty("response", out _);
                if (entry.TryGetProperty("search", out _) && type != "searchset")
                {
                    Add(FhirIssueType.Invariant, at + ".search", "bdl-2: entry.search only when the Bundle is a searchset.");
                }

                if (!hasRequest && type is "batch" or "transaction" or "history")
                {
                    Add(FhirIssueType.Required, at + ".request", "bdl-3: entry.request is required in batch, transaction and history Bundles.");
                }

                if (!hasResponse && type is "batch-response" or "transaction-response" or "history")
                {
                    Add(FhirIssueType.Required, at + ".response", "bdl-4: entry.response is required in batch-response, transaction-response and history Bundles.");
                }

                if (!hasResource && !hasRequest && !hasResponse)
                {
                    Add(FhirIssueType.Invariant, at, "bdl-5: an entry has a resource, a request or a response.");
                }

                if (entry.TryGetProperty("fullUrl", out var fullUrl) && fullUrl.ValueKind == JsonValueKind.String)
                {
                    var url = fullUrl.GetString()!;
                    if (url.Contains("/_history/", StringComparison.Ordinal))
                    {
                        Add(FhirIssueType.Invariant, at + ".fullUrl", "bdl-8: fullUrl must not be a version-specific reference.");
                    }

                    // bdl-7: fullUrl is unique unless the entries are different versions of one resource.
                    var version = hasResource && resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("meta", out var meta)
                        && meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("versionId", out var v) && v.ValueKind == JsonValueKind.String
                        ? v.GetString() : null;
                    if (hasResource && !fullUrls.Add(url + "\n" + version))
                    {
                        Add(FhirIssueType.Invariant, at + ".fullUrl", "bdl-7: fullUrl must be unique in a Bundle unless versionId differs.");
                    }
                }
            }
        }

        private void AuditEventRules(JsonElement auditEvent, string prefix)
        {
            if (!auditEvent.TryGetProperty("entity", out var entities) || entities.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            var index = 0;
            foreach (var entity in entities.EnumerateArray())
            {
                if (entity.ValueKind == JsonValueKind.Object && Has(entity, "name") && Has(entity, "query"))
                {
                    Add(FhirIssueType.Invariant, prefix + ".entity[" + index.ToString(CultureInfo.InvariantCulture) + "]", "sev-1: an entity has a name or a query, not both.");
                }

                index++;
            }
        }
    }
}
