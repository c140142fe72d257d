using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Receipts;

/// <summary>A C2SP tlog-proof: a leaf index, its inclusion path, and the signed checkpoint the path leads to.</summary>
/// <param name="LeafIndex">The leaf's index.</param>
/// <param name="Path">The RFC 9162 inclusion path in the checkpoint's tree, the leaf's sibling first.</param>
/// <param name="Checkpoint">The signed checkpoint, with the log's signature and any cosignatures.</param>
/// <param name="Extra">Optional opaque data carried on the <c>extra</c> line; unauthenticated.</param>
/// <remarks>
/// c2sp.org/tlog-proof: <c>c2sp.org/tlog-proof@v1</c>, optional <c>extra &lt;base64&gt;</c>, <c>index &lt;n&gt;</c>, one base64 hash
/// per line, a blank line, then the checkpoint verbatim. Any RFC 9162 / C2SP verifier can check it without this service.
/// </remarks>
public sealed record TlogProof(ulong LeafIndex, ImmutableArray<TreeHash> Path, SignedCheckpoint Checkpoint, ImmutableArray<byte>? Extra = null)
{
    /// <summary>The first line of every tlog-proof.</summary>
    public const string Header = "c2sp.org/tlog-proof@v1";

    /// <summary>The most path hashes accepted (a tree of 2^63 leaves needs 63).</summary>
    public const int MaxPathLength = 64;

    /// <summary>Writes the proof.</summary>
    /// <returns>The text, ending with the checkpoint's last signature line.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Header).Append('\n');
        if (Extra is { } extra)
        {
            text.Append("extra ").Append(Convert.ToBase64String(extra.AsSpan())).Append('\n');
        }

        text.Append("index ").Append(LeafIndex.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in Path)
        {
            text.Append(hash.ToBase64()).Append('\n');
        }

        return text.Append('\n').Append(Checkpoint.ToString()).ToString();
    }

    /// <summary>Parses a tlog-proof.</summary>
    /// <param name="text">The proof text.</param>
    /// <param name="proof">The proof, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the text is a well-formed tlog-proof whose checkpoint parses.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out TlogProof? proof)
    {
        proof = null;
        if (text is null || text.Length > Notes.SignedNote.MaxLength * 2)
        {
            return false;
        }

        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            return false;
        }

        var lines = text[..blank].Split('\n');
        if (lines[0] != Header)
        {
            return false;
        }

        var next = 1;
        ImmutableArray<byte>? extra = null;
        if (next < lines.Length && lines[next].StartsWith("extra ", StringComparison.Ordinal))
        {
            try
            {
                extra = [.. Convert.FromBase64String(lines[next]["extra ".Length..])];
            }
            catch (FormatException)
            {
                return false;
            }

            next++;
        }

        if (next >= lines.Length || !lines[next].StartsWith("index ", StringComparison.Ordinal))
        {
            return false;
        }

        var index = lines[next]["index ".Length..];
        if (index.Length is 0 or > 20 || index.Any(c => !char.IsAsciiDigit(c)) || (index.Length > 1 && index[0] == '0')
            || !ulong.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var leafIndex))
        {
            return false;
        }

        var path = ImmutableArray.CreateBuilder<TreeHash>();
        foreach (var line in lines.Skip(next + 1))
        {
            if (path.Count == MaxPathLength || !TreeHash.TryParseBase64(line, out var hash))
            {
                return false;
            }

            path.Add(hash);
        }

        if (!SignedCheckpoint.TryParse(text[(blank + 2)..], out var checkpoint, out _))
        {
            return false;
        }

        proof = new TlogProof(leafIndex, path.ToImmutable(), checkpoint, extra);
        return true;
    }
}
