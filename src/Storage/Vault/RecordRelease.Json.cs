using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Storage.Vault;

/// <summary>The release document: how a release travels to the requester (specs/vault.md, "Release document").</summary>
public sealed partial record RecordRelease
{
    /// <summary>The longest release document read: the largest ciphertext in base64url and room for the rest.</summary>
    public const int MaxDocumentLength = (RecordVault.MaxRecordBytes + RecordCipher.Overhead) / 3 * 4 + 16_384;

    /// <summary>Writes the release document.</summary>
    /// <returns>JSON: <c>record</c> (the version's metadata), <c>ciphertext</c> (base64url), <c>key</c> (the JWE), <c>event</c>.</returns>
    public JsonObject ToJson() => new()
    {
        ["record"] = new JsonObject
        {
            ["record"] = Record.RecordId,
            ["version"] = Record.Version,
            ["patient"] = Record.Patient,
            ["author"] = Record.Author,
            ["resourceType"] = Record.ResourceType,
            ["contentId"] = Record.ContentId,
            ["length"] = Record.Length,
            ["event"] = Record.EventId.ToString(),
            ["position"] = Record.Position,
            ["storedAt"] = Record.StoredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        },
        ["ciphertext"] = Base64UrlText.Encode(Ciphertext.Span),
        ["key"] = Jwe,
        ["event"] = EventId.ToString(),
    };

    /// <summary>Writes the release document as UTF-8 JSON, the same bytes as <see cref="ToJson"/> serialized, without building a tree.</summary>
    /// <returns>The document's UTF-8 bytes.</returns>
    public byte[] ToUtf8Json()
    {
        var ciphertext = Ciphertext.Span;
        // Room for everything without growing: Utf8JsonWriter asks for six times a string's length (its escaped worst case)
        // before writing it, so the JWE and the metadata strings need that much headroom; the ciphertext is written raw.
        var buffer = new ArrayBufferWriter<byte>(Base64Url.GetEncodedLength(ciphertext.Length) + 6 * (Jwe.Length + 512) + 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("record");
            writer.WriteString("record", Record.RecordId);
            writer.WriteNumber("version", Record.Version);
            writer.WriteString("patient", Record.Patient);
            writer.WriteString("author", Record.Author);
            writer.WriteString("resourceType", Record.ResourceType);
            writer.WriteString("contentId", Record.ContentId);
            writer.WriteNumber("length", Record.Length);
            writer.WriteString("event", Record.EventId.ToString());
            writer.WriteNumber("position", Record.Position);
            writer.WriteString("storedAt", Record.StoredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();

            // base64url needs no escaping: encode straight into a rented buffer, quoted, and write it raw. (WriteString would
            // ask the buffer for six times the value's length, room for escaping that cannot occur, and grow it to that.)
            var encoded = ArrayPool<byte>.Shared.Rent(Base64Url.GetEncodedLength(ciphertext.Length) + 2);
            try
            {
                encoded[0] = (byte)'"';
                var length = Base64Url.EncodeToUtf8(ciphertext, encoded.AsSpan(1));
                encoded[length + 1] = (byte)'"';
                writer.WritePropertyName("ciphertext");
                writer.WriteRawValue(encoded.AsSpan(0, length + 2), skipInputValidation: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }

            writer.WriteString("key", Jwe);
            writer.WriteString("event", EventId.ToString());
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a release document strictly: every member present with its type, no duplicates, sizes bounded.</summary>
    /// <param name="json">The document's bytes.</param>
    /// <param name="release">The release, when this returns <see langword="true"/>.</param>
    /// <param name="error">Which member is wrong, when it returns <see langword="false"/>.</param>
    /// <returns>Whether the document is a release.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out RecordRelease? release, [NotNullWhen(false)] out string? error)
    {
        release = null;
        if (json.Length > MaxDocumentLength)
        {
            error = "the document is too large";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("record", out var record) || record.ValueKind != JsonValueKind.Object)
            {
                error = "record: expected an object";
                return false;
            }

            // Every member is read (so each is assigned); the first complaint is the answer.
            string?[] complaints =
            [
                Text(record, "record", 64, out var id), Number(record, "version", out var version), Text(record, "patient", 2048, out var patient),
                Text(record, "author", 2048, out var author), Text(record, "resourceType", 64, out var resourceType),
                Text(record, "contentId", ContentId.TextLength, out var contentId), Number(record, "length", out var length),
                Text(record, "event", 36, out var storedEvent), Number(record, "position", out var position), Text(record, "storedAt", 64, out var storedAt),
                Text(root, "ciphertext", MaxDocumentLength, out var ciphertext), Text(root, "key", 16_384, out var key), Text(root, "event", 36, out var grantEvent),
            ];
            error = complaints.FirstOrDefault(c => c is not null);
            if (error is not null)
            {
                return false;
            }

            if (!Guid.TryParseExact(id, "D", out _) || version is < 1 or > int.MaxValue || !ContentId.TryParse(contentId, out _)
                || !Guid.TryParseExact(storedEvent, "D", out var storedId) || !Guid.TryParseExact(grantEvent, "D", out var grantId)
                || !DateTimeOffset.TryParse(storedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                || !Base64UrlText.TryDecode(ciphertext, out var bytes) || length != bytes.Length)
            {
                error = "record, version, contentId, event, storedAt, ciphertext or length has an invalid value";
                return false;
            }

            var stored = new StoredRecord(id!, (int)version, patient!, author!, resourceType!, contentId!, (int)length, storedId, position, time);
            try
            {
                // The fields that become the associated data must make one (ASCII, lengths): otherwise opening would throw.
                _ = stored.Address.ToAssociatedData();
            }
            catch (ArgumentException)
            {
                error = "record, patient or resourceType cannot name a record version";
                return false;
            }

            release = new RecordRelease(stored, bytes, key!, grantId);
            return true;
        }
        catch (JsonException)
        {
            error = "not JSON";
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string escape that is no character (an unpaired surrogate): valid JSON, but no text.
            error = "a string holds an escape that is no character";
            return false;
        }
    }

    private static string? Text(JsonElement parent, string name, int maxLength, out string? value)
    {
        value = parent.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        return value is { Length: > 0 } && value.Length <= maxLength ? null : $"{name}: expected a string of 1 to {maxLength} characters";
    }

    private static string? Number(JsonElement parent, string name, out long value)
    {
        value = 0;
        return parent.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0
            ? null
            : $"{name}: expected a non-negative integer";
    }
}
