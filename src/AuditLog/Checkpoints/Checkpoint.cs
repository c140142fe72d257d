using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Checkpoints;

/// <summary>A log's tree head as C2SP tlog-checkpoint text: origin, tree size and root hash, one per line.</summary>
/// <param name="Origin">The log's unique identity, a schema-less URL such as <c>ehr.example.org/audit</c>.</param>
/// <param name="TreeSize">The number of entries in the tree.</param>
/// <param name="RootHash">The RFC 9162 root hash of the tree at that size.</param>
/// <param name="Extensions">Optional further lines (not recommended by the spec; this service writes none).</param>
/// <remarks>C2SP tlog-checkpoint. Sizes are decimal without leading zeros; the root is standard base64 with padding.</remarks>
public sealed record Checkpoint(string Origin, ulong TreeSize, TreeHash RootHash, ImmutableArray<string> Extensions)
{
    /// <summary>Creates a checkpoint without extension lines.</summary>
    /// <param name="origin">The log's origin.</param>
    /// <param name="treeSize">The tree size.</param>
    /// <param name="rootHash">The root hash.</param>
    public Checkpoint(string origin, ulong treeSize, TreeHash rootHash)
        : this(origin, treeSize, rootHash, [])
    {
    }

    /// <summary>Writes the checkpoint's note text, ending in a newline.</summary>
    /// <returns>The text to sign.</returns>
    /// <exception cref="InvalidOperationException">The origin or an extension line cannot be written as one line of note text.</exception>
    public string ToNoteText()
    {
        if (!IsValidLine(Origin) || Extensions.Any(e => !IsValidLine(e)))
        {
            throw new InvalidOperationException("A checkpoint's origin and extension lines are non-empty single lines of note text.");
        }

        var text = new StringBuilder(Origin).Append('\n')
            .Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(RootHash.ToBase64()).Append('\n');
        foreach (var line in Extensions)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Parses checkpoint note text (without signatures).</summary>
    /// <param name="text">The text, ending in a newline.</param>
    /// <param name="checkpoint">The checkpoint, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it was refused, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the text is a well-formed SHA-256 checkpoint.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Checkpoint? checkpoint, out CheckpointError error)
    {
        checkpoint = null;
        if (text is null || text.Length == 0 || text[^1] != '\n' || !Notes.SignedNote.IsValidText(text))
        {
            error = CheckpointError.MissingLines;
            return false;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            error = CheckpointError.MissingLines;
            return false;
        }

        if (lines[0].Length == 0)
        {
            error = CheckpointError.EmptyOrigin;
            return false;
        }

        var size = lines[1];
        if (size.Length is 0 or > 20 || size.Any(c => !char.IsAsciiDigit(c)) || (size.Length > 1 && size[0] == '0')
            || !ulong.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            error = CheckpointError.InvalidTreeSize;
            return false;
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            error = CheckpointError.InvalidRootHash;
            return false;
        }

        if (lines[2].Any(char.IsWhiteSpace) || lines[2].Length == 0)
        {
            error = CheckpointError.InvalidRootHash;
            return false;
        }

        if (!TreeHash.TryCreate(root, out var rootHash) || !TreeHash.TryParseBase64(lines[2], out _))
        {
            error = CheckpointError.RootNotSha256;
            return false;
        }

        if (lines.Skip(3).Any(l => l.Length == 0))
        {
            error = CheckpointError.EmptyExtensionLine;
            return false;
        }

        checkpoint = new Checkpoint(lines[0], treeSize, rootHash, [.. lines.Skip(3)]);
        error = CheckpointError.None;
        return true;
    }

    private static bool IsValidLine(string line) =>
        line.Length > 0 && !line.Contains('\n', StringComparison.Ordinal) && Notes.SignedNote.IsValidText(line);
}
