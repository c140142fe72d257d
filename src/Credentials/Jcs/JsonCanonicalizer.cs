using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace IdentityEhr.Credentials.Jcs;

/// <summary>The JSON Canonicalization Scheme, RFC 8785: the one byte form of a JSON value that signatures are made over.</summary>
/// <remarks>
/// Input must be I-JSON (RFC 7493): duplicate property names and unpaired surrogates are refused rather than
/// guessed at, because two verifiers that resolved them differently would disagree about what was signed.
/// </remarks>
public static class JsonCanonicalizer
{
    /// <summary>Deepest nesting of objects and arrays accepted; credentials need far less.</summary>
    public const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Canonicalizes UTF-8 JSON text.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="canonical">The canonical bytes, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it failed, when this returns <see langword="false"/>.</param>
    /// <returns>Whether the text could be canonicalized.</returns>
    public static bool TryCanonicalize(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out byte[]? canonical, out JcsError error)
    {
        canonical = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            error = ExceedsDepth(utf8Json) ? JcsError.TooDeep : JcsError.MalformedJson;
            return false;
        }

        using (document)
        {
            return TryCanonicalize(document.RootElement, out canonical, out error);
        }
    }

    /// <summary>Canonicalizes a parsed JSON value.</summary>
    /// <param name="element">The value.</param>
    /// <param name="canonical">The canonical bytes, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it failed, when this returns <see langword="false"/>.</param>
    /// <returns>Whether the value could be canonicalized.</returns>
    public static bool TryCanonicalize(JsonElement element, [NotNullWhen(true)] out byte[]? canonical, out JcsError error)
    {
        var output = new ArrayBufferWriter<byte>(JsonMarshal.GetRawUtf8Value(element).Length + 64);
        error = Write(element, output, depth: 0);
        canonical = error == JcsError.None ? output.WrittenSpan.ToArray() : null;
        return error == JcsError.None;
    }

    /// <summary>
    /// Canonicalizes an object as if one member were absent and, optionally, <c>@context</c> replaced: the transformations
    /// Data Integrity makes before hashing, without copying the document.
    /// </summary>
    /// <param name="element">The object.</param>
    /// <param name="omit">The member to leave out, such as <c>proof</c>.</param>
    /// <param name="context">The value to write for <c>@context</c>, or <see langword="null"/> to keep the object's own.</param>
    /// <param name="canonical">The canonical bytes.</param>
    /// <param name="error">Why it failed.</param>
    /// <returns>Whether the object could be canonicalized.</returns>
    internal static bool TryCanonicalizeObject(
        JsonElement element, string omit, JsonElement? context, [NotNullWhen(true)] out byte[]? canonical, out JcsError error)
    {
        canonical = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = JcsError.MalformedJson;
            return false;
        }

        var output = new ArrayBufferWriter<byte>(JsonMarshal.GetRawUtf8Value(element).Length + 64);
        error = WriteObject(element, output, depth: 1, omit, context);
        canonical = error == JcsError.None ? output.WrittenSpan.ToArray() : null;
        return error == JcsError.None;
    }

    /// <summary>Canonicalizes a parsed JSON value, throwing when it is not I-JSON.</summary>
    /// <param name="element">The value.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="JcsException">The value has duplicate properties, lone surrogates, non-finite numbers or is too deep.</exception>
    public static byte[] Canonicalize(JsonElement element) =>
        TryCanonicalize(element, out var canonical, out var error) ? canonical : throw new JcsException(error);

    /// <summary>Canonicalizes UTF-8 JSON text, throwing when it is not well-formed I-JSON.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="JcsException">The text is not well-formed I-JSON.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json) =>
        TryCanonicalize(utf8Json, out var canonical, out var error) ? canonical : throw new JcsException(error);

    /// <summary>Describes an error in one line, for problem details and the CLI.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The description.</returns>
    public static string Describe(JcsError error) => error switch
    {
        JcsError.None => "No error.",
        JcsError.MalformedJson => "The text is not well-formed JSON in UTF-8.",
        JcsError.TooDeep => $"Objects and arrays nest deeper than {MaxDepth} levels.",
        JcsError.DuplicateProperty => "An object has the same property name twice (I-JSON forbids it).",
        JcsError.LoneSurrogate => "A string holds an unpaired UTF-16 surrogate (I-JSON forbids it).",
        JcsError.NumberOutOfRange => "A number is outside the IEEE 754 double range.",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Unknown JCS error."),
    };

    private static JcsError Write(JsonElement element, ArrayBufferWriter<byte> output, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return depth >= MaxDepth ? JcsError.TooDeep : WriteObject(element, output, depth + 1, omit: null, context: null);
            case JsonValueKind.Array:
                return depth >= MaxDepth ? JcsError.TooDeep : WriteArray(element, output, depth + 1);
            case JsonValueKind.String:
                return WriteString(element, output);
            case JsonValueKind.Number:
                return WriteNumber(element, output);
            case JsonValueKind.True:
                output.Write("true"u8);
                return JcsError.None;
            case JsonValueKind.False:
                output.Write("false"u8);
                return JcsError.None;
            case JsonValueKind.Null:
                output.Write("null"u8);
                return JcsError.None;
            default:
                return JcsError.MalformedJson;
        }
    }

    private static JcsError WriteObject(JsonElement element, ArrayBufferWriter<byte> output, int depth, string? omit, JsonElement? context)
    {
        var capacity = element.GetPropertyCount();
        if (HasPlainNames(element))
        {
            return WritePlainObject(element, capacity, output, depth, omit, context);
        }

        var properties = ArrayPool<JsonProperty>.Shared.Rent(capacity);
        var names = ArrayPool<string>.Shared.Rent(capacity);
        try
        {
            var index = 0;
            var omitted = false;
            foreach (var property in element.EnumerateObject())
            {
                properties[index] = property;
                var nameError = ReadName(property, out names[index]);
                if (nameError != JcsError.None)
                {
                    return nameError;
                }

                if (omit is not null && string.Equals(names[index], omit, StringComparison.Ordinal))
                {
                    // A duplicate of the omitted member is still a duplicate.
                    if (omitted)
                    {
                        return JcsError.DuplicateProperty;
                    }

                    omitted = true;
                    continue;
                }

                index++;
            }

            var count = index;

            // RFC 8785 §3.2.3: sort by the UTF-16 code units of the names, which is ordinal string comparison.
            Array.Sort(names, properties, 0, count, StringComparer.Ordinal);
            output.Write("{"u8);
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    if (string.Equals(names[i - 1], names[i], StringComparison.Ordinal))
                    {
                        return JcsError.DuplicateProperty;
                    }

                    output.Write(","u8);
                }

                WriteStringValue(names[i], output);
                output.Write(":"u8);
                var error = WriteMemberValue(properties[i], string.Equals(names[i], "@context", StringComparison.Ordinal), context, output, depth);
                if (error != JcsError.None)
                {
                    return error;
                }
            }

            output.Write("}"u8);
            return JcsError.None;
        }
        finally
        {
            Array.Clear(names, 0, capacity);
            ArrayPool<string>.Shared.Return(names);
            ArrayPool<JsonProperty>.Shared.Return(properties, clearArray: true);
        }
    }

    /// <summary>
    /// Whether every name is written without escapes and has no character outside the Basic Multilingual Plane. For such
    /// names the UTF-8 bytes sort exactly as the UTF-16 code units do, so they can be sorted and written without decoding.
    /// </summary>
    private static bool HasPlainNames(JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.IndexOf((byte)'\\') >= 0 || raw.IndexOfAnyInRange((byte)0xF0, (byte)0xFF) >= 0 || !Utf8.IsValid(raw))
            {
                return false;
            }
        }

        return true;
    }

    private static JcsError WritePlainObject(JsonElement element, int capacity, ArrayBufferWriter<byte> output, int depth, string? omit, JsonElement? context)
    {
        var properties = ArrayPool<JsonProperty>.Shared.Rent(capacity);
        try
        {
            var count = 0;
            var omitted = false;
            foreach (var property in element.EnumerateObject())
            {
                if (omit is not null && property.NameEquals(omit))
                {
                    if (omitted)
                    {
                        return JcsError.DuplicateProperty;
                    }

                    omitted = true;
                    continue;
                }

                properties[count++] = property;
            }

            properties.AsSpan(0, count).Sort(static (a, b) =>
                JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b)));
            output.Write("{"u8);
            for (var i = 0; i < count; i++)
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(properties[i]);
                if (i > 0)
                {
                    if (name.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(properties[i - 1])))
                    {
                        return JcsError.DuplicateProperty;
                    }

                    output.Write(","u8);
                }

                output.Write("\""u8);
                output.Write(name);
                output.Write("\":"u8);
                var error = WriteMemberValue(properties[i], name.SequenceEqual("@context"u8), context, output, depth);
                if (error != JcsError.None)
                {
                    return error;
                }
            }

            output.Write("}"u8);
            return JcsError.None;
        }
        finally
        {
            ArrayPool<JsonProperty>.Shared.Return(properties, clearArray: true);
        }
    }

    /// <summary>Writes a member's value, or the replacement <c>@context</c> when this member is <c>@context</c> and one is given.</summary>
    private static JcsError WriteMemberValue(JsonProperty property, bool isContext, JsonElement? context, ArrayBufferWriter<byte> output, int depth) =>
        isContext && context is { } replacement ? Write(replacement, output, depth) : Write(property.Value, output, depth);

    private static JcsError WriteArray(JsonElement element, ArrayBufferWriter<byte> output, int depth)
    {
        output.Write("["u8);
        var first = true;
        foreach (var item in element.EnumerateArray())
        {
            if (!first)
            {
                output.Write(","u8);
            }

            first = false;
            var error = Write(item, output, depth);
            if (error != JcsError.None)
            {
                return error;
            }
        }

        output.Write("]"u8);
        return JcsError.None;
    }

    private static JcsError WriteString(JsonElement element, ArrayBufferWriter<byte> output)
    {
        // Fast path: a string with no escapes in the source is already valid UTF-8 with nothing JCS would escape
        // (the reader refuses raw control characters and an unescaped quote cannot occur).
        var raw = JsonMarshal.GetRawUtf8Value(element);
        var content = raw[1..^1];
        if (content.IndexOf((byte)'\\') < 0)
        {
            if (!Utf8.IsValid(content))
            {
                return JcsError.MalformedJson;
            }

            output.Write("\""u8);
            output.Write(content);
            output.Write("\""u8);
            return JcsError.None;
        }

        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Utf8.IsValid(content) ? JcsError.LoneSurrogate : JcsError.MalformedJson;
        }

        if (!IsWellFormedUtf16(text))
        {
            return JcsError.LoneSurrogate;
        }

        WriteStringValue(text, output);
        return JcsError.None;
    }

    private static JcsError WriteNumber(JsonElement element, ArrayBufferWriter<byte> output)
    {
        if (!element.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            return JcsError.NumberOutOfRange;
        }

        var span = output.GetSpan(Es6NumberFormatter.MaxLength);
        output.Advance(Es6NumberFormatter.Format(value, span));
        return JcsError.None;
    }

    private static JcsError ReadName(JsonProperty property, out string name)
    {
        // The reader checks JSON structure but not that string bytes are UTF-8, so that is checked here.
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        name = string.Empty;
        if (!Utf8.IsValid(raw))
        {
            return JcsError.MalformedJson;
        }

        try
        {
            name = property.Name;
        }
        catch (InvalidOperationException)
        {
            return JcsError.LoneSurrogate;
        }

        return IsWellFormedUtf16(name) ? JcsError.None : JcsError.LoneSurrogate;
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes a string with RFC 8785 §3.2.2.2 escaping: only quote, backslash and controls are escaped.</summary>
    private static void WriteStringValue(string text, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(text.AsSpan(start, i - start), output);
            start = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                default:
                    var escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = HexDigit(c >> 4);
                    escape[5] = HexDigit(c & 0xF);
                    output.Advance(6);
                    break;
            }
        }

        WriteUtf8(text.AsSpan(start), output);
        output.Write("\""u8);
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    private static void WriteUtf8(ReadOnlySpan<char> text, ArrayBufferWriter<byte> output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(StrictUtf8.GetMaxByteCount(text.Length));
        output.Advance(StrictUtf8.GetBytes(text, span));
    }

    /// <summary>Tells a too-deep document from a malformed one after the parser refused it.</summary>
    private static bool ExceedsDepth(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= MaxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }
}
