using System.Text.Json;
using IdentityEhr.Fhir.Internal;

namespace IdentityEhr.Fhir.Views;

/// <summary>Writes a FHIR R4 Bundle of AuditEvents, such as a patient's access history.</summary>
/// <remarks>
/// Source: FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html): each entry's <c>fullUrl</c> is <c>urn:uuid:</c> plus the
/// event's id (bdl-7 uniqueness follows from unique event ids); a searchset carries <c>total</c> and <c>search.mode</c> (bdl-1,
/// bdl-2). The events are copied in unchanged.
/// </remarks>
public static class AuditEventBundle
{
    /// <summary>Writes the Bundle.</summary>
    /// <param name="type">Searchset or collection.</param>
    /// <param name="id">The Bundle's id.</param>
    /// <param name="timestamp">When the Bundle was assembled.</param>
    /// <param name="auditEvents">The AuditEvents' JSON, as <see cref="AuditEventView"/> writes them, in the order to list them.</param>
    /// <returns>The Bundle's UTF-8 JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="auditEvents"/> is null.</exception>
    /// <exception cref="ArgumentException">An item is not an AuditEvent JSON object with a UUID id.</exception>
    public static byte[] Create(AuditBundleType type, Guid id, DateTimeOffset timestamp, IReadOnlyList<byte[]> auditEvents)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        var events = new List<(string Id, byte[] Json)>(auditEvents.Count);
        foreach (var json in auditEvents)
        {
            events.Add((EventId(json) ?? throw new ArgumentException("Every item must be an AuditEvent's JSON with a UUID id.", nameof(auditEvents)), json));
        }

        return FhirWriter.Write(w =>
        {
            w.WriteString("resourceType", "Bundle");
            w.WriteString("id", id.ToString("D"));
            w.WriteString("type", type == AuditBundleType.Searchset ? "searchset" : "collection");
            w.WriteString("timestamp", FhirWriter.Instant(timestamp));
            if (type == AuditBundleType.Searchset)
            {
                w.WriteNumber("total", events.Count);
            }

            if (events.Count == 0)
            {
                // FHIR JSON has no empty arrays: an empty result simply has no entry.
                return;
            }

            w.WriteStartArray("entry");
            foreach (var (eventId, json) in events)
            {
                w.WriteStartObject();
                w.WriteString("fullUrl", "urn:uuid:" + eventId);
                w.WritePropertyName("resource");
                w.WriteRawValue(json, skipInputValidation: false);
                if (type == AuditBundleType.Searchset)
                {
                    w.WriteStartObject("search");
                    w.WriteString("mode", "match");
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static string? EventId(byte[]? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "AuditEvent"
                && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && Guid.TryParseExact(id.GetString(), "D", out var guid))
            {
                return guid.ToString("D");
            }
        }
        catch (JsonException)
        {
            // Not JSON, so not an AuditEvent either.
        }

        return null;
    }
}
