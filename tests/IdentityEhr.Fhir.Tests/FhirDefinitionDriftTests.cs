using IdentityEhr.Fhir.Generator;
using IdentityEhr.Testing;

namespace IdentityEhr.Fhir.Tests;

public sealed class FhirDefinitionDriftTests
{
    [Fact]
    public void Committed_definitions_equal_a_fresh_generation_from_the_R4_package()
    {
        var committed = File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, FhirDefinitionGenerator.OutputFile));

        var generated = FhirDefinitionGenerator.Generate(Path.Combine(RepositoryPaths.Root, FhirDefinitionGenerator.PackageFolder));

        Assert.True(committed.AsSpan().SequenceEqual(generated),
            $"{FhirDefinitionGenerator.OutputFile} is out of date: run `{FhirDefinitionGenerator.Command}` from the repository root and commit the result.");
    }

    [Fact]
    public void The_generated_file_stays_well_under_three_megabytes() =>
        Assert.InRange(new FileInfo(Path.Combine(RepositoryPaths.Root, FhirDefinitionGenerator.OutputFile)).Length, 1, 3_000_000);
}
