using System.Text;

namespace IdentityEhr.Fhir.Tests;

public sealed class FhirValidatorParsingTests
{
    private static readonly FhirValidator s_validator = new();

    private static (string Code, string? Expression) Single(FhirValidationResult result) =>
        Assert.Single(result.Issues.Select(i => (i.Code, i.Expression)));

    [Fact]
    public void Malformed_JSON_is_a_structure_issue_with_its_position()
    {
        var result = s_validator.Validate("{\"resourceType\":\"Patient\",\n\"active\":tru}"u8);

        Assert.Equal(("structure", "The JSON is malformed at line 2, byte 13."), (result.Issues.Single().Code, result.Issues.Single().Diagnostics));
    }

    [Fact]
    public void Duplicate_property_names_are_refused_at_their_path() =>
        Assert.Equal(("structure", "Observation.status"), Single(s_validator.Validate(
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}"u8)));

    [Fact]
    public void Nesting_beyond_the_limit_is_too_long()
    {
        var deep = new StringBuilder("{\"resourceType\":\"Patient\",\"extension\":[");
        for (var i = 0; i < 40; i++)
        {
            deep.Append("{\"url\":\"http://x\",\"extension\":[");
        }

        deep.Append("{\"url\":\"http://x\",\"valueBoolean\":true}").Append(new string(']', 1)).Append(string.Concat(Enumerable.Repeat("}]", 40))).Append('}');

        Assert.Equal(("too-long", null), Single(s_validator.Validate(Encoding.UTF8.GetBytes(deep.ToString()))));
    }

    [Fact]
    public void A_document_over_the_size_limit_is_too_long() =>
        Assert.Equal(("too-long", null), Single(new FhirValidator(maxLength: 1000).Validate(FhirVectors.Read("Patient-example.json"))));

    [Fact]
    public void Invalid_UTF8_is_a_structure_issue() =>
        Assert.Equal(("structure", null), Single(s_validator.Validate([(byte)'{', 0xC3, 0x28, (byte)'}'])));

    [Theory]
    [InlineData("{\"resourceType\":\"Patient\",\"id\":\"x\",\"name\":[{\"text\":\"a\\uD800b\"}]}")]
    [InlineData("{\"resourceType\":\"Patient\",\"\\uDC00\":1}")]
    [InlineData("{\"resourceType\":\"Patient\\uD800\"}")]
    public void An_escape_that_is_no_character_is_a_structure_issue_not_an_exception(string json) =>
        Assert.Equal(("structure", null), Single(s_validator.Validate(System.Text.Encoding.UTF8.GetBytes(json))));

    [Fact]
    public void Empty_input_is_a_structure_issue() => Assert.Equal(("structure", null), Single(s_validator.Validate([])));

    [Fact]
    public void A_JSON_array_is_not_a_resource() => Assert.Equal(("structure", null), Single(s_validator.Validate("[]"u8)));

    [Fact]
    public void A_missing_resourceType_is_required() =>
        Assert.Equal(("required", "resourceType"), Single(s_validator.Validate("{\"id\":\"x\"}"u8)));

    [Fact]
    public void An_unknown_resourceType_is_not_supported() =>
        Assert.Equal(("not-supported", "resourceType"), Single(s_validator.Validate("{\"resourceType\":\"Doctor\"}"u8)));

    [Fact]
    public void An_abstract_resourceType_is_not_supported() =>
        Assert.Equal(("not-supported", "resourceType"), Single(s_validator.Validate("{\"resourceType\":\"DomainResource\"}"u8)));

    [Fact]
    public void Primitive_extension_arrays_align_with_their_values_and_may_hold_null_there() =>
        Assert.True(s_validator.Validate(
            "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[null,\"B\"],\"_given\":[{\"extension\":[{\"url\":\"http://x\",\"valueString\":\"y\"}]},null]}]}"u8).IsValid);

    [Fact]
    public void A_null_without_its_primitive_extension_is_refused() =>
        Assert.Equal(("structure", "Patient.name[0].given[0]"), Single(s_validator.Validate(
            "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[null,\"B\"]}]}"u8)));

    [Fact]
    public void Primitive_extension_arrays_of_another_length_are_refused() =>
        Assert.Equal(("structure", "Patient.name[0].given"), Single(s_validator.Validate(
            "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",\"B\"],\"_given\":[{\"id\":\"a\"}]}]}"u8)));

    [Fact]
    public void A_primitive_extension_on_a_complex_element_is_unknown() =>
        Assert.Equal(("structure", "Patient._name"), Single(s_validator.Validate("{\"resourceType\":\"Patient\",\"_name\":{\"id\":\"a\"}}"u8)));

    [Fact]
    public void An_extension_with_both_value_and_extensions_breaks_ext_1() =>
        Assert.Equal(("invariant", "Patient.extension[0]"), Single(s_validator.Validate(
            "{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x\",\"valueBoolean\":true,\"extension\":[{\"url\":\"y\",\"valueBoolean\":false}]}]}"u8)));

    [Fact]
    public void An_extension_without_url_is_missing_it() =>
        Assert.Equal(("required", "Patient.extension[0].url"), Single(s_validator.Validate(
            "{\"resourceType\":\"Patient\",\"extension\":[{\"valueBoolean\":true}]}"u8)));

    [Fact]
    public void An_integer_beyond_32_bits_is_a_value_issue() =>
        Assert.Equal(("value", "ImmunizationRecommendation.recommendation[0].doseNumberPositiveInt"), Single(s_validator.Validate(
            "{\"resourceType\":\"ImmunizationRecommendation\",\"patient\":{\"reference\":\"Patient/1\"},\"date\":\"2020-01-01\",\"recommendation\":[{\"forecastStatus\":{\"text\":\"due\"},\"vaccineCode\":[{\"text\":\"x\"}],\"doseNumberPositiveInt\":4294967296}]}"u8)));

    [Fact]
    public void Unicode_spaces_are_allowed_in_strings_as_in_R4() =>
        Assert.True(s_validator.Validate("{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"A\u00a0B\"}]}"u8).IsValid);

    [Fact]
    public void A_searchset_total_in_a_transaction_breaks_bdl_1() =>
        Assert.Equal(("invariant", "Bundle.total"), Single(s_validator.Validate("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"total\":1}"u8)));

    [Fact]
    public void Duplicate_fullUrls_break_bdl_7() =>
        Assert.Equal(("invariant", "Bundle.entry[1].fullUrl"), Single(s_validator.Validate(
            "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Basic\",\"code\":{\"text\":\"a\"}}},{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Basic\",\"code\":{\"text\":\"a\"}}}]}"u8)));

    [Fact]
    public void A_valid_result_has_an_informational_OperationOutcome()
    {
        var outcome = Encoding.UTF8.GetString(s_validator.Validate(FhirVectors.Read("Patient-example.json")).ToOperationOutcome());

        Assert.Equal("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\",\"diagnostics\":\"No issues found.\"}]}", outcome);
    }

    [Fact]
    public void An_invalid_result_has_one_error_issue_per_problem_with_its_expression()
    {
        var outcome = Encoding.UTF8.GetString(s_validator.Validate("{\"resourceType\":\"Observation\",\"status\":\"final\"}"u8).ToOperationOutcome());

        Assert.Equal(
            "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"required\",\"diagnostics\":\"Observation.code is required (minimum cardinality 1).\",\"expression\":[\"Observation.code\"]}]}",
            outcome);
    }

    [Fact]
    public void The_OperationOutcome_is_itself_valid_FHIR() =>
        Assert.True(s_validator.Validate(s_validator.Validate("{\"resourceType\":\"Observation\"}"u8).ToOperationOutcome()).IsValid);

    [Fact]
    public void The_result_names_the_resource_type() =>
        Assert.Equal("Observation", s_validator.Validate(FhirVectors.Read("Observation-f001.json")).ResourceType);

    [Fact]
    public void Issues_stop_at_the_maximum()
    {
        var many = "{\"resourceType\":\"Patient\"," + string.Join(',', Enumerable.Range(0, 500).Select(i => $"\"x{i}\":1")) + "}";

        Assert.Equal(FhirValidator.MaxIssues, s_validator.Validate(Encoding.UTF8.GetBytes(many)).Issues.Count);
    }

    [Fact]
    public void An_unknown_choice_suffix_names_the_choice() =>
        Assert.Equal("The type suffix is not one of the types allowed for Observation.value[x].", Assert.Single(s_validator.Validate(
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueFoo\":1}"u8).Issues).Diagnostics);

    [Fact]
    public void A_depth_over_256_is_refused_by_the_constructor() =>
        Assert.Throws<ArgumentOutOfRangeException>("maxDepth", () => new FhirValidator(maxDepth: 257));
}
