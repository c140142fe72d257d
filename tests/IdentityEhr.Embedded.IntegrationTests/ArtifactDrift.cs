namespace IdentityEhr.Embedded.IntegrationTests;

/// <summary>Compares committed contract artifacts with a fresh compile, byte for byte.</summary>
internal static class ArtifactDrift
{
    public static IReadOnlyList<string> Differences(string committedDirectory, string freshDirectory)
    {
        var committed = Directory.GetFiles(committedDirectory, "*.json").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var fresh = Directory.GetFiles(freshDirectory, "*.json").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var name in committed.Union(fresh).Order(StringComparer.Ordinal))
        {
            if (!fresh.Contains(name))
            {
                differences.Add($"{name} is committed but not produced");
            }
            else if (!committed.Contains(name))
            {
                differences.Add($"{name} is produced but not committed");
            }
            else if (!File.ReadAllBytes(Path.Combine(committedDirectory, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(freshDirectory, name!))))
            {
                differences.Add($"{name} differs");
            }
        }

        return differences;
    }
}
