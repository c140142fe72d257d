using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir.Tests;

/// <summary>Properties over the shared vectors: byte-level damage never throws, and removing any required element is reported at its path.</summary>
public sealed class FhirValidatorPropertyTests
{
    private static readonly FhirValidator s_validator = new();
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true);
    private static readonly byte[][] s_vectors = [.. FhirVectors.Names.Select(FhirVectors.Read)];

    [Fact]
    public void Random_byte_changes_to_valid_vectors_never_throw()
    {
        var edit = from position in Gen.Choose(0, int.MaxValue)
                   from value in Gen.Elements<byte>((byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'"', (byte)',', (byte)':', (byte)'0', (byte)'a', (byte)'_', (byte)'\\', 0x00, 0xC3, 0xFF, (byte)' ')
                   from kind in Gen.Choose(0, 2)
                   select (position, value, kind);
        var gen = from vector in Gen.Choose(0, s_vectors.Length - 1)
                  from edits in Gen.ListOf(edit).Where(e => e.Count is > 0 and <= 8)
                  select (vector, edits);

        Prop.ForAll(Arb.From(gen), input =>
        {
            var bytes = new List<byte>(s_vectors[input.vector]);
            foreach (var (position, value, kind) in input.edits)
            {
                var at = position % Math.Max(1, bytes.Count);
                switch (kind)
                {
                    case 0 when bytes.Count > 0:
                        bytes[at] = value;
                        break;
                    case 1:
                        bytes.Insert(at, value);
                        break;
                    default:
                        if (bytes.Count > 0)
                        {
                            bytes.RemoveAt(at);
                        }

                        break;
                }
            }

            var result = s_validator.Validate(bytes.ToArray());
            return result.IsValid || result.Issues.All(i => i.Diagnostics.Length > 0);
        }).Check(s_config);
    }

    [Fact]
    public void Removing_any_required_element_from_a_vector_is_reported_at_its_path()
    {
        var candidates = RequiredElements().ToArray();
        Assert.True(candidates.Length > 100, $"only {candidates.Length} required elements found");

        Prop.ForAll(Arb.From(Gen.Elements(candidates)), mutation =>
            s_validator.Validate(mutation.Apply()).Issues.Any(i => i.Code == "required" && i.Expression == mutation.Expression)).Check(s_config);
    }

    /// <summary>Every element present in a vector whose definition has min ≥ 1, as a removal.</summary>
    private static List<FhirMutation> RequiredElements()
    {
        var found = new List<FhirMutation>();
        foreach (var file in FhirVectors.Names)
        {
            var root = JsonNode.Parse(FhirVectors.Read(file))!.AsObject();
            var type = root["resourceType"]!.GetValue<string>();
            Collect(file, root, type, type, type, "", found);
        }

        return found;
    }

    private static void Collect(string file, JsonObject json, string typeName, string owner, string expression, string jsonPath, List<FhirMutation> found)
    {
        var definitions = FhirDefinitions.Instance;
        if (!definitions.Children[typeName].TryGetValue(owner, out var children))
        {
            return;
        }

        foreach (var (name, value) in json)
        {
            if (name.StartsWith('_') || !children.TryGetValue(name, out var element) || value is null)
            {
                continue;
            }

            var path = jsonPath.Length == 0 ? name : jsonPath + "." + name;
            if (element.Min >= 1 && !json.ContainsKey("_" + name))
            {
                var reported = element.Choice is { } choice ? choice[(choice.LastIndexOf('.') + 1)..^3] : name;
                found.Add(new FhirMutation($"{file}:{path}", file, path, null, "required", expression + "." + reported));
            }

            var items = value is JsonArray array ? array.Select((item, i) => (item, $"[{i.ToString(CultureInfo.InvariantCulture)}]")) : [(value, "")];
            foreach (var (item, index) in items)
            {
                if (item is not JsonObject child)
                {
                    continue;
                }

                var childExpression = expression + "." + name + index;
                var childPath = path + index;
                if (element.Type == "Resource")
                {
                    var type = child["resourceType"]!.GetValue<string>();
                    Collect(file, child, type, type, childExpression, childPath, found);
                }
                else if (element.Type[0] == '#')
                {
                    Collect(file, child, typeName, element.Type[1..], childExpression, childPath, found);
                }
                else if (element.Type is "BackboneElement" or "Element" && definitions.Children[typeName].ContainsKey(element.Path))
                {
                    Collect(file, child, typeName, element.Path, childExpression, childPath, found);
                }
                else if (definitions.Children.ContainsKey(element.Type))
                {
                    Collect(file, child, element.Type, element.Type, childExpression, childPath, found);
                }
            }
        }
    }
}
