using System.Text;

namespace IdentityEhr.Testing;

/// <summary>
/// One approved-file snapshot: <c>Name.verified.ext</c> is committed and reviewed; a run whose output differs writes
/// <c>Name.received.ext</c> beside it (git-ignored) and fails with a line diff. To approve, review the received file and
/// rename it over the verified one.
/// </summary>
public sealed class ApprovedFile
{
    private const int MaxDiffLines = 60;

    /// <summary>Creates a snapshot named <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder that holds the snapshot files.</param>
    /// <param name="name">The snapshot's name, usually <c>TestClass.TestMethod</c>.</param>
    /// <param name="extension">The file extension without the dot, such as <c>json</c>.</param>
    public ApprovedFile(string directory, string name, string extension)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(extension);
        VerifiedPath = Path.Combine(directory, $"{name}.verified.{extension}");
        ReceivedPath = Path.Combine(directory, $"{name}.received.{extension}");
    }

    /// <summary>Gets the committed, approved file's path.</summary>
    public string VerifiedPath { get; }

    /// <summary>Gets the path written when the output differs.</summary>
    public string ReceivedPath { get; }

    /// <summary>Compares <paramref name="actual"/> with the approved file.</summary>
    /// <param name="actual">The output, already normalized and scrubbed.</param>
    /// <exception cref="SnapshotMismatchException">There is no approved file, or it differs.</exception>
    public void Verify(string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        actual = Normalize(actual);
        if (!File.Exists(VerifiedPath))
        {
            Write(ReceivedPath, actual);
            throw new SnapshotMismatchException(
                $"No approved snapshot {Path.GetFileName(VerifiedPath)}. Review {ReceivedPath} and rename it to {Path.GetFileName(VerifiedPath)} to approve it.");
        }

        var verified = Normalize(File.ReadAllText(VerifiedPath, Encoding.UTF8));
        if (string.Equals(verified, actual, StringComparison.Ordinal))
        {
            File.Delete(ReceivedPath);
            return;
        }

        Write(ReceivedPath, actual);
        throw new SnapshotMismatchException(
            $"Snapshot {Path.GetFileName(VerifiedPath)} differs (- approved, + received; received written to {ReceivedPath}):\n{LineDiff(verified, actual)}");
    }

    /// <summary>Makes comparison independent of line endings and of a missing final newline.</summary>
    private static string Normalize(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.EndsWith('\n') ? text : text + "\n";
    }

    private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>A line diff from the longest common subsequence, with two lines of context, capped in length.</summary>
    internal static string LineDiff(string expected, string actual)
    {
        var a = expected.TrimEnd('\n').Split('\n');
        var b = actual.TrimEnd('\n').Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Kind, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', x + 1, a[x]));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add(('+', y + 1, b[y]));
                y++;
            }
            else
            {
                lines.Add(('-', x + 1, a[x]));
                x++;
            }
        }

        var changed = lines.Select((l, i) => (l, i)).Where(p => p.l.Kind != ' ').Select(p => p.i).ToList();
        var keep = new SortedSet<int>(changed.SelectMany(i => Enumerable.Range(i - 2, 5)).Where(i => i >= 0 && i < lines.Count));
        var output = new StringBuilder();
        var previous = -1;
        var written = 0;
        foreach (var i in keep)
        {
            if (written == MaxDiffLines)
            {
                output.Append("  … (diff cut short)\n");
                break;
            }

            if (previous >= 0 && i != previous + 1)
            {
                output.Append("  …\n");
            }

            var (kind, line, text) = lines[i];
            output.Append(System.Globalization.CultureInfo.InvariantCulture, $"{kind} {line,4}: {text}\n");
            previous = i;
            written++;
        }

        return output.ToString();
    }
}
