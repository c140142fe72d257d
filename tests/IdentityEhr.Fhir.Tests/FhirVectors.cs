using IdentityEhr.Testing;

namespace IdentityEhr.Fhir.Tests;

/// <summary>The FHIR vectors in <c>../shared/vectors/fhir</c> (sources and licences in its README).</summary>
internal static class FhirVectors
{
    public static IEnumerable<string> Names =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Vectors, "fhir"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> All => [.. Names];

    public static byte[] Read(string name) => File.ReadAllBytes(Vectors.PathOf(Path.Combine("fhir", name)));
}
