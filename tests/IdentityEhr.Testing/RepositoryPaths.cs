namespace IdentityEhr.Testing;

/// <summary>Finds the repository and the shared folder beside it, from wherever the tests run.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>Gets the repository root: the folder that holds <c>IdentityEhr.sln</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>Gets the spec test vectors: <c>EHR_VECTORS</c> when set, else <c>../shared/vectors</c> beside the repository.</summary>
    public static string Vectors =>
        Environment.GetEnvironmentVariable("EHR_VECTORS") is { Length: > 0 } overridden
            ? overridden
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "vectors"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IdentityEhr.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IdentityEhr.sln above {AppContext.BaseDirectory}: run the tests from inside the repository.");
    }
}
