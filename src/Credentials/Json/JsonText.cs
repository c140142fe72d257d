using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace IdentityEhr.Credentials.Json;

/// <summary>Reads string members without throwing on hostile text.</summary>
/// <remarks>
/// <see cref="JsonDocument"/> checks structure but not that string bytes are UTF-8 or that escaped surrogates pair up, and
/// <see cref="JsonElement.GetString"/> throws on both. Readers of untrusted credentials go through here instead.
/// </remarks>
internal static class JsonText
{
    /// <summary>Reads a member that must be a well-formed string.</summary>
    /// <param name="element">The object.</param>
    /// <param name="name">The member name.</param>
    /// <returns>The text, or <see langword="null"/> when the member is absent, not a string, or not well-formed.</returns>
    internal static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? String(value) : null;

    /// <summary>Reads a value that must be a well-formed string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, or <see langword="null"/> when it is not a string or not well-formed.</returns>
    internal static string? String(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !Utf8.IsValid(JsonMarshal.GetRawUtf8Value(value)))
        {
            return null;
        }

        try
        {
            var text = value.GetString()!;
            return text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !IsWellFormed(text) ? null : text;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Reads an optional member that, when present, must be an XML Schema dateTime with a time zone.</summary>
    /// <param name="element">The object.</param>
    /// <param name="name">The member name.</param>
    /// <param name="time">The time, or <see langword="null"/> when absent.</param>
    /// <returns><see langword="false"/> when the member is present but not such a dateTime.</returns>
    internal static bool TryOptionalTime(JsonElement element, string name, out DateTimeOffset? time)
    {
        time = null;
        if (!element.TryGetProperty(name, out var value))
        {
            return true;
        }

        if (DataIntegrity.DataIntegrityProof.TryParseTime(String(value), out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
