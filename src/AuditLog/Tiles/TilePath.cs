using System.Globalization;
using System.Text;

namespace IdentityEhr.AuditLog.Tiles;

/// <summary>The paths of the tlog-tiles read API: <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> and <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>.</summary>
/// <remarks>
/// C2SP tlog-tiles: N is split into groups of three zero-padded digits, every group but the last prefixed with <c>x</c>;
/// L has no leading zeros; W (1 to 255) appears only for partial tiles. Exactly one spelling is accepted for each resource,
/// so a cache or mirror never holds two copies of one tile. Go sumdb's <c>tile/&lt;H&gt;/&lt;L&gt;/&lt;N&gt;</c> is a different scheme.
/// </remarks>
public static class TilePath
{
    /// <summary>The longest path accepted by <see cref="TryParse"/>; real paths are far shorter.</summary>
    public const int MaxLength = 64;

    private const string Prefix = "tile/";
    private const string EntriesPrefix = "tile/entries/";

    /// <summary>Writes a hash tile's path.</summary>
    /// <param name="id">The tile.</param>
    /// <param name="partialWidth">1 to 255 for a partial tile; 0 for a full one.</param>
    /// <returns>The path, for example <c>tile/1/x001/234.p/17</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The level or the width is out of range.</exception>
    public static string Format(TileId id, int partialWidth = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id.Level, nameof(id));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id.Level, TileId.MaxLevel, nameof(id));
        return Build(Prefix + id.Level.ToString(CultureInfo.InvariantCulture) + "/", id.Index, partialWidth);
    }

    /// <summary>Writes an entry bundle's path.</summary>
    /// <param name="index">The bundle's index: leaf index / 256.</param>
    /// <param name="partialWidth">1 to 255 for a partial bundle; 0 for a full one.</param>
    /// <returns>The path, for example <c>tile/entries/000.p/8</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The width is out of range.</exception>
    public static string FormatEntryBundle(ulong index, int partialWidth = 0) => Build(EntriesPrefix, index, partialWidth);

    /// <summary>Parses a path of the read API, accepting only its one canonical spelling.</summary>
    /// <param name="path">The path without the log's prefix, for example <c>tile/0/000.p/8</c>.</param>
    /// <param name="resource">What it names, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the path is a canonical tile or entry-bundle path.</returns>
    public static bool TryParse(ReadOnlySpan<char> path, out TileResource resource)
    {
        resource = default;
        if (path.Length > MaxLength || !path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path[Prefix.Length..];
        var isEntries = rest.StartsWith("entries/", StringComparison.Ordinal);
        var level = 0;
        if (isEntries)
        {
            rest = rest["entries/".Length..];
        }
        else
        {
            var slash = rest.IndexOf('/');
            if (slash < 0 || !TryParseDecimal(rest[..slash], maxDigits: 2, out var parsedLevel) || parsedLevel > TileId.MaxLevel)
            {
                return false;
            }

            level = (int)parsedLevel;
            rest = rest[(slash + 1)..];
        }

        var width = 0;
        var partial = rest.IndexOf(".p/", StringComparison.Ordinal);
        if (partial >= 0)
        {
            if (!TryParseDecimal(rest[(partial + 3)..], maxDigits: 3, out var parsedWidth) || parsedWidth is 0 or >= TileId.Width)
            {
                return false;
            }

            width = (int)parsedWidth;
            rest = rest[..partial];
        }

        if (!TryParseIndex(rest, out var index))
        {
            return false;
        }

        resource = new TileResource(isEntries, level, index, width);
        return true;
    }

    private static string Build(string head, ulong index, int partialWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partialWidth);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partialWidth, TileId.Width);
        var text = new StringBuilder(head, 48);
        AppendIndex(text, index);
        if (partialWidth > 0)
        {
            text.Append(".p/").Append(partialWidth.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void AppendIndex(StringBuilder text, ulong index)
    {
        // Groups of three digits from the most significant; all but the last carry an "x" so that a path element is never a
        // prefix of a directory name (x001/ versus 001).
        var digits = index.ToString(CultureInfo.InvariantCulture);
        var padded = digits.PadLeft((digits.Length + 2) / 3 * 3, '0');
        for (var i = 0; i < padded.Length; i += 3)
        {
            if (i + 3 < padded.Length)
            {
                text.Append('x').Append(padded, i, 3).Append('/');
            }
            else
            {
                text.Append(padded, i, 3);
            }
        }
    }

    private static bool TryParseIndex(ReadOnlySpan<char> text, out ulong index)
    {
        index = 0;
        var first = true;
        while (true)
        {
            var isLast = text.IndexOf('/') < 0;
            var group = isLast ? text : text[..text.IndexOf('/')];
            if (!isLast)
            {
                // An "x" group; the first one must not be "x000", which would be a second spelling of a shorter index.
                if (group.Length != 4 || group[0] != 'x' || !AllDigits(group[1..]) || (first && group[1..].SequenceEqual("000")))
                {
                    return false;
                }
            }
            else if (group.Length != 3 || !AllDigits(group))
            {
                return false;
            }

            var value = (ulong)(((group[^3] - '0') * 100) + ((group[^2] - '0') * 10) + (group[^1] - '0'));
            if (index > (ulong.MaxValue - value) / 1000)
            {
                return false;
            }

            index = (index * 1000) + value;
            if (isLast)
            {
                return true;
            }

            text = text[(group.Length + 1)..];
            first = false;
        }
    }

    private static bool TryParseDecimal(ReadOnlySpan<char> text, int maxDigits, out ulong value)
    {
        value = 0;
        if (text.Length is 0 || text.Length > maxDigits || !AllDigits(text) || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool AllDigits(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');
}
