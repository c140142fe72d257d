namespace IdentityEhr.Fhir.Tests;

public sealed class FhirValidatorVectorTests
{
    private static readonly FhirValidator s_validator = new();

    [Theory]
    [MemberData(nameof(FhirVectors.All), MemberType = typeof(FhirVectors))]
    public void Every_shared_vector_validates_without_issues(string name)
    {
        var result = s_validator.Validate(FhirVectors.Read(name));

        Assert.Empty(result.Issues.Select(i => $"{i.Code} {i.Expression}: {i.Diagnostics}"));
    }

    [Fact]
    public void There_are_sixteen_vectors() => Assert.Equal(16, FhirVectors.Names.Count());
}
