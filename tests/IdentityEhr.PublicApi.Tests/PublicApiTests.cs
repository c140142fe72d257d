using System.Reflection;
using IdentityEhr.Testing;

namespace IdentityEhr.PublicApi.Tests;

/// <summary>
/// The public surface of every library, as an approved file per assembly: a change to it shows up as a diff in review.
/// (PublicApiAnalyzers is not served by the registry here; see specs/decisions/0003-public-api-snapshots.md.)
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Libraries => new(
        "IdentityEhr.Identity", "IdentityEhr.Ethereum", "IdentityEhr.Credentials", "IdentityEhr.AuditLog",
        "IdentityEhr.Storage", "IdentityEhr.Fhir", "IdentityEhr.Embedded");

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Public_surface_matches_the_approved_file(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);

        Snapshot.For(SourceFile(), $"{assemblyName}", "txt").Verify(PublicSurface.Describe(assembly));
    }

    private static string SourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
