using System.Globalization;
using System.Text.RegularExpressions;

namespace IdentityEhr.Testing;

/// <summary>
/// Replaces truly random values (ports, GUIDs, generated ids) with stable tokens before a snapshot is compared. Each distinct
/// value gets its own numbered token in order of first appearance, so equal values stay visibly equal.
/// </summary>
/// <remarks>Never scrub hashes or signatures of fixed inputs: they are what a snapshot is for.</remarks>
public sealed class Scrubber
{
    private readonly IReadOnlyList<(Regex Pattern, string Token)> _rules;

    private Scrubber(IReadOnlyList<(Regex Pattern, string Token)> rules) => _rules = rules;

    /// <summary>Gets a scrubber that changes nothing.</summary>
    public static Scrubber None { get; } = new([]);

    /// <summary>Returns a scrubber that also replaces every match of <paramref name="pattern"/> with <c>token_n</c>.</summary>
    /// <param name="pattern">What to replace; when it has a group named <c>value</c>, only that group is replaced.</param>
    /// <param name="token">The token's name.</param>
    /// <returns>A new scrubber.</returns>
    public Scrubber Add(string pattern, string token) =>
        new([.. _rules, (new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), token)]);

    /// <summary>Returns a scrubber that also replaces GUIDs with <c>Guid_n</c>.</summary>
    /// <returns>A new scrubber.</returns>
    public Scrubber AddGuids() => Add(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "Guid");

    /// <summary>Applies the rules in order.</summary>
    /// <param name="text">The text to scrub.</param>
    /// <returns>The scrubbed text.</returns>
    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (pattern, token) in _rules)
        {
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            text = pattern.Replace(text, match =>
            {
                var group = match.Groups["value"];
                var value = group.Success ? group.Value : match.Value;
                if (!seen.TryGetValue(value, out var replacement))
                {
                    replacement = string.Create(CultureInfo.InvariantCulture, $"{token}_{seen.Count + 1}");
                    seen.Add(value, replacement);
                }

                return group.Success
                    ? match.Value[..(group.Index - match.Index)] + replacement + match.Value[(group.Index - match.Index + group.Length)..]
                    : replacement;
            });
        }

        return text;
    }
}
