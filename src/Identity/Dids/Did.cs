using System.Diagnostics.CodeAnalysis;

namespace IdentityEhr.Identity.Dids;

/// <summary>A decentralized identifier: <c>did:</c> method-name <c>:</c> method-specific-id.</summary>
/// <remarks>
/// DID Core 1.0 §3.1 ABNF: <c>method-name = 1*(%x61-7A / DIGIT)</c>; <c>method-specific-id = *( *idchar ":" ) 1*idchar</c>;
/// <c>idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded</c>. Comparison is by exact text, as DID Core prescribes.
/// </remarks>
public sealed class Did : IEquatable<Did>
{
    /// <summary>The longest DID accepted. DID Core sets no limit; this bound keeps hostile input cheap to refuse.</summary>
    public const int MaxLength = 2048;

    private const string Scheme = "did:";
    private readonly string _text;

    private Did(string text, int methodLength)
    {
        _text = text;
        Method = text.Substring(Scheme.Length, methodLength);
        MethodSpecificId = text[(Scheme.Length + methodLength + 1)..];
    }

    /// <summary>Gets the method name, for example <c>key</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the method-specific identifier.</summary>
    public string MethodSpecificId { get; }

    /// <summary>Parses a DID.</summary>
    /// <param name="text">The text.</param>
    /// <param name="did">The DID when the text is one.</param>
    /// <param name="error">Why it is not, otherwise <see cref="DidSyntaxError.None"/>.</param>
    /// <returns><see langword="true"/> when the text is a DID; otherwise <see langword="false"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Did? did, out DidSyntaxError error)
    {
        did = null;
        error = Validate(text, out var methodLength);
        if (error != DidSyntaxError.None)
        {
            return false;
        }

        did = new Did(text!, methodLength);
        return true;
    }

    /// <summary>Parses a DID that is known to be valid.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The DID.</returns>
    /// <exception cref="FormatException">The text is not a DID.</exception>
    public static Did Parse(string text) =>
        TryParse(text, out var did, out var error) ? did : throw new FormatException($"Not a DID: {error}.");

    /// <summary>Creates a DID from a method name and a method-specific id.</summary>
    /// <param name="method">The method name.</param>
    /// <param name="methodSpecificId">The method-specific id.</param>
    /// <returns>The DID.</returns>
    /// <exception cref="FormatException">The parts do not form a DID.</exception>
    public static Did Create(string method, string methodSpecificId) => Parse($"{Scheme}{method}:{methodSpecificId}");

    /// <inheritdoc/>
    public bool Equals(Did? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Did);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    /// <summary>Returns the DID text.</summary>
    /// <returns>The DID.</returns>
    public override string ToString() => _text;

    /// <summary>Checks the DID part at the start of a DID URL and returns its length (0 when invalid).</summary>
    internal static DidSyntaxError ValidatePrefix(ReadOnlySpan<char> text, out int didLength, out int methodLength)
    {
        didLength = 0;
        methodLength = 0;
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return DidSyntaxError.NotADid;
        }

        var i = Scheme.Length;
        while (i < text.Length && (char.IsAsciiLetterLower(text[i]) || char.IsAsciiDigit(text[i])))
        {
            i++;
        }

        methodLength = i - Scheme.Length;
        if (methodLength == 0 || i >= text.Length || text[i] != ':')
        {
            return DidSyntaxError.InvalidMethodName;
        }

        i++;
        var idStart = i;
        while (i < text.Length && text[i] is not ('/' or '?' or '#'))
        {
            var c = text[i];
            if (c == '%')
            {
                if (!IsPercentEncodedAt(text, i))
                {
                    return DidSyntaxError.InvalidPercentEncoding;
                }

                i += 3;
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':'))
            {
                return DidSyntaxError.InvalidCharacter;
            }

            i++;
        }

        if (i == idStart || text[i - 1] == ':')
        {
            return DidSyntaxError.InvalidMethodSpecificId;
        }

        didLength = i;
        return DidSyntaxError.None;
    }

    /// <summary>True when <c>text[i]</c> is '%' followed by two hexadecimal digits (RFC 3986 pct-encoded).</summary>
    internal static bool IsPercentEncodedAt(ReadOnlySpan<char> text, int i) =>
        i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]);

    private static DidSyntaxError Validate(string? text, out int methodLength)
    {
        methodLength = 0;
        if (string.IsNullOrEmpty(text))
        {
            return DidSyntaxError.Empty;
        }

        if (text.Length > MaxLength)
        {
            return DidSyntaxError.TooLong;
        }

        var error = ValidatePrefix(text, out var didLength, out methodLength);
        if (error != DidSyntaxError.None)
        {
            return error;
        }

        // A plain DID ends where the method-specific id ends: no path, query or fragment.
        return didLength == text.Length ? DidSyntaxError.None : DidSyntaxError.InvalidCharacter;
    }
}
