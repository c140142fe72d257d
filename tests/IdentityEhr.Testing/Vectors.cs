using System.Text.Json;

namespace IdentityEhr.Testing;

/// <summary>Loads spec test vectors from <see cref="RepositoryPaths.Vectors"/>, failing with the path when one is missing.</summary>
public static class Vectors
{
    /// <summary>Returns the full path of a vector file, checking that it exists.</summary>
    /// <param name="relativePath">The path below the vectors folder, such as <c>rfc8032-ed25519.json</c>.</param>
    /// <returns>The full path.</returns>
    public static string PathOf(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var path = Path.GetFullPath(Path.Combine(RepositoryPaths.Vectors, relativePath));
        if (!path.StartsWith(Path.GetFullPath(RepositoryPaths.Vectors), StringComparison.Ordinal))
        {
            throw new ArgumentException("The vector path must stay inside the vectors folder.", nameof(relativePath));
        }

        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Test vector file missing: {path} (set EHR_VECTORS to the shared vectors folder).", path);
    }

    /// <summary>Reads a vector file's text.</summary>
    /// <param name="relativePath">The path below the vectors folder.</param>
    /// <returns>The text.</returns>
    public static string ReadText(string relativePath) => File.ReadAllText(PathOf(relativePath));

    /// <summary>Parses a JSON vector file.</summary>
    /// <param name="relativePath">The path below the vectors folder.</param>
    /// <returns>The parsed document; the caller disposes it.</returns>
    public static JsonDocument ReadJson(string relativePath) => JsonDocument.Parse(File.ReadAllBytes(PathOf(relativePath)));
}
