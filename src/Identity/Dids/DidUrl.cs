using System.Diagnostics.CodeAnalysis;

namespace IdentityEhr.Identity.Dids;

/// <summary>A DID URL: a DID with an optional path, query and fragment.</summary>
/// <remarks>
/// DID Core 1.0 §3.2: <c>did-url = did path-abempty [ "?" query ] [ "#" fragment ]</c>, with RFC 3986 §3.3–3.5 characters
/// (<c>pchar = unreserved / pct-encoded / sub-delims / ":" / "@"</c>; query and fragment also allow <c>/</c> and <c>?</c>).
/// </remarks>
public sealed class DidUrl : IEquatable<DidUrl>
{
    /// <summary>The longest DID URL accepted.</summary>
    public const int MaxLength = 4096;

    private readonly string _text;

    private DidUrl(string text, Did did, string path, string? query, string? fragment)
    {
        _text = text;
        Did = did;
        Path = path;
        Query = query;
        Fragment = fragment;
    }

    /// <summary>Gets the DID.</summary>
    public Did Did { get; }

    /// <summary>Gets the path, empty or starting with <c>/</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the query without its <c>?</c>, or <see langword="null"/> when there is none.</summary>
    public string? Query { get; }

    /// <summary>Gets the fragment without its <c>#</c>, or <see langword="null"/> when there is none.</summary>
    public string? Fragment { get; }

    /// <summary>Gets a value saying whether this is the DID alone.</summary>
    public bool IsDid => Path.Length == 0 && Query is null && Fragment is null;

    /// <summary>Parses a DID URL.</summary>
    /// <param name="text">The text.</param>
    /// <param name="url">The DID URL when the text is one.</param>
    /// <param name="error">Why it is not, otherwise <see cref="DidSyntaxError.None"/>.</param>
    /// <returns><see langword="true"/> when the text is a DID URL; otherwise <see langword="false"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out DidUrl? url, out DidSyntaxError error)
    {
        url = null;
        if (string.IsNullOrEmpty(text))
        {
            error = DidSyntaxError.Empty;
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = DidSyntaxError.TooLong;
            return false;
        }

        error = Did.ValidatePrefix(text, out var didLength, out _);
        if (error != DidSyntaxError.None)
        {
            return false;
        }

        var i = didLength;
        var pathStart = i;
        error = Scan(text, ref i, stopAt: "?#", extra: "/");
        if (error != DidSyntaxError.None)
        {
            return false;
        }

        var path = text[pathStart..i];
        string? query = null, fragment = null;
        if (i < text.Length && text[i] == '?')
        {
            var start = ++i;
            error = Scan(text, ref i, stopAt: "#", extra: "/?");
            if (error != DidSyntaxError.None)
            {
                return false;
            }

            query = text[start..i];
        }

        if (i < text.Length && text[i] == '#')
        {
            var start = ++i;
            error = Scan(text, ref i, stopAt: string.Empty, extra: "/?");
            if (error != DidSyntaxError.None)
            {
                return false;
            }

            fragment = text[start..i];
        }

        url = new DidUrl(text, Did.Parse(text[..didLength]), path, query, fragment);
        return true;
    }

    /// <summary>Parses a DID URL that is known to be valid.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The DID URL.</returns>
    /// <exception cref="FormatException">The text is not a DID URL.</exception>
    public static DidUrl Parse(string text) =>
        TryParse(text, out var url, out var error) ? url : throw new FormatException($"Not a DID URL: {error}.");

    /// <summary>Resolves a reference such as <c>#key-1</c> or a full DID URL against a DID (RFC 3986 §5 for fragments).</summary>
    /// <param name="reference">An absolute DID URL or a relative <c>#fragment</c>.</param>
    /// <param name="baseDid">The DID that relative references are relative to.</param>
    /// <param name="url">The absolute DID URL when the reference is valid.</param>
    /// <returns><see langword="true"/> when the reference resolves to a DID URL; otherwise <see langword="false"/>.</returns>
    public static bool TryResolve(string? reference, Did baseDid, [NotNullWhen(true)] out DidUrl? url)
    {
        ArgumentNullException.ThrowIfNull(baseDid);
        url = null;
        if (string.IsNullOrEmpty(reference))
        {
            return false;
        }

        return TryParse(reference[0] == '#' ? baseDid + reference : reference, out url, out _);
    }

    /// <inheritdoc/>
    public bool Equals(DidUrl? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DidUrl);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    /// <summary>Returns the DID URL text.</summary>
    /// <returns>The DID URL.</returns>
    public override string ToString() => _text;

    private static DidSyntaxError Scan(string text, ref int i, string stopAt, string extra)
    {
        while (i < text.Length && !stopAt.Contains(text[i], StringComparison.Ordinal))
        {
            var c = text[i];
            if (c == '%')
            {
                if (!Did.IsPercentEncodedAt(text, i))
                {
                    return DidSyntaxError.InvalidPercentEncoding;
                }

                i += 3;
                continue;
            }

            if (!IsPchar(c) && !extra.Contains(c, StringComparison.Ordinal))
            {
                return DidSyntaxError.InvalidCharacter;
            }

            i++;
        }

        return DidSyntaxError.None;
    }

    // pchar minus pct-encoded: unreserved / sub-delims / ":" / "@"
    private static bool IsPchar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@';
}
