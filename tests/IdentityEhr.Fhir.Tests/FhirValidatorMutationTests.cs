using System.Text;

namespace IdentityEhr.Fhir.Tests;

public sealed class FhirValidatorMutationTests
{
    private static readonly FhirValidator s_validator = new();

    public static TheoryData<string> Names => [.. FhirMutation.All.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Mutated_vector_gets_exactly_one_issue_with_the_element_path_and_issue_code(string name)
    {
        var mutation = FhirMutation.All.Single(m => m.Name == name);

        var result = s_validator.Validate(mutation.Apply());

        Assert.Equal([(mutation.Code, mutation.Expression)], result.Issues.Select(i => (i.Code, i.Expression)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OperationOutcome_never_echoes_the_submitted_value(string name)
    {
        var mutation = FhirMutation.All.Single(m => m.Name == name);

        var outcome = Encoding.UTF8.GetString(s_validator.Validate(mutation.Apply()).ToOperationOutcome());

        Assert.DoesNotContain("SECRET", outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_mutation_name_is_unique() =>
        Assert.Equal(FhirMutation.All.Count, FhirMutation.All.Select(m => m.Name).Distinct().Count());
}
