using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityEhr.Testing;

/// <summary>Approved-file snapshots named after the calling test: <c>{TestClass}.{TestMethod}.verified.{ext}</c> beside its source.</summary>
/// <remarks>The test class is taken from the source file's name, as every file holds one type named after it.</remarks>
public static class Snapshot
{
    private static readonly JsonSerializerOptions s_indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Verifies JSON: re-indented (2 spaces), then scrubbed, then compared.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="scrubber">Replaces random values, or <see langword="null"/> for none.</param>
    /// <param name="sourceFile">Filled in by the compiler.</param>
    /// <param name="testName">Filled in by the compiler.</param>
    public static void VerifyJson(string json, Scrubber? scrubber = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testName = "")
    {
        var normalized = JsonNode.Parse(json)?.ToJsonString(s_indented) ?? "null";
        For(sourceFile, testName, "json").Verify((scrubber ?? Scrubber.None).Apply(normalized));
    }

    /// <summary>Verifies text as it is, after scrubbing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="extension">The file extension without the dot.</param>
    /// <param name="scrubber">Replaces random values, or <see langword="null"/> for none.</param>
    /// <param name="sourceFile">Filled in by the compiler.</param>
    /// <param name="testName">Filled in by the compiler.</param>
    public static void VerifyText(string text, string extension = "txt", Scrubber? scrubber = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testName = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        For(sourceFile, testName, extension).Verify((scrubber ?? Scrubber.None).Apply(text));
    }

    /// <summary>Returns the snapshot for a test, for tests that name their snapshots themselves (theories).</summary>
    /// <param name="sourceFile">The test's source file.</param>
    /// <param name="name">The test's name, plus any parameter suffix.</param>
    /// <param name="extension">The file extension without the dot.</param>
    /// <returns>The snapshot.</returns>
    public static ApprovedFile For(string sourceFile, string name, string extension)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceFile);

        // CI builds map source paths to "/_/" (deterministic source paths); map them back into the repository.
        if (sourceFile.StartsWith("/_/", StringComparison.Ordinal))
        {
            sourceFile = Path.Combine(RepositoryPaths.Root, sourceFile[3..]);
        }

        return new ApprovedFile(
            Path.GetDirectoryName(sourceFile)!, $"{Path.GetFileNameWithoutExtension(sourceFile)}.{name}", extension);
    }
}
