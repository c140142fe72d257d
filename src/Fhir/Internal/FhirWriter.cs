using System.Globalization;
using System.Text.Json;

namespace IdentityEhr.Fhir.Internal;

/// <summary>Small helpers that write FHIR R4 JSON pieces (Coding, identifier references, instants) for the views.</summary>
internal static class FhirWriter
{
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a complete resource and returns its bytes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Writes a Coding; the display is left out when unknown rather than guessed.</summary>
    public static void Coding(Utf8JsonWriter writer, string system, string code, string? display)
    {
        writer.WriteStartObject();
        writer.WriteString("system", system);
        writer.WriteString("code", code);
        if (display is not null)
        {
            writer.WriteString("display", display);
        }

        writer.WriteEndObject();
    }

    public static void Coding(Utf8JsonWriter writer, string name, string system, string code, string? display)
    {
        writer.WritePropertyName(name);
        Coding(writer, system, code, display);
    }

    public static void CodeableConcept(Utf8JsonWriter writer, string system, string code, string? display)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("coding");
        Coding(writer, system, code, display);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void CodeableConcept(Utf8JsonWriter writer, string name, string system, string code, string? display)
    {
        writer.WritePropertyName(name);
        CodeableConcept(writer, system, code, display);
    }

    /// <summary>Writes a Reference by identifier (R4 §2.3.0 "Reference.identifier"): the referenced thing has no FHIR server URL.</summary>
    public static void IdentifierReference(Utf8JsonWriter writer, string name, string system, string value, string? type = null)
    {
        writer.WriteStartObject(name);
        if (type is not null)
        {
            writer.WriteString("type", type);
        }

        writer.WriteStartObject("identifier");
        writer.WriteString("system", system);
        writer.WriteString("value", value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Formats an R4 instant in UTC with milliseconds.</summary>
    public static string Instant(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
