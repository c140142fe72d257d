using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.AuditLog.Entries;

/// <summary>One audit log entry: a fact about an access decision or a change, with no health data in it.</summary>
/// <remarks>
/// The entry's bytes are its JSON in JCS canonical form (RFC 8785), and the Merkle leaf is the RFC 9162 leaf hash of exactly
/// those bytes, so anyone can recompute a leaf from an entry. The format is specified in <c>specs/audit-entry.md</c>.
/// Free text (a break-glass reason) enters only as a hash, because it may hold health data and the log cannot forget.
/// </remarks>
public sealed record AuditEntry
{
    /// <summary>The format version written in the <c>v</c> member.</summary>
    public const int FormatVersion = 1;

    /// <summary>The longest entry accepted, in bytes (tlog-tiles entry bundles cap entries at 65,535).</summary>
    public const int MaxLength = 16_384;

    private const int MaxDidLength = 512;
    private const int MaxIdentifierLength = 256;
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] s_members = ["actor", "anchor", "consent", "evidence", "id", "purpose", "reason", "record", "subject", "time", "type", "v"];
    private static readonly string[] s_evidenceMembers =
        ["credential", "holder", "holderVersion", "issuer", "issuerVersion", "presentation", "statedReason", "statusList"];

    /// <summary>Gets the event's type.</summary>
    public required AuditEventType Type { get; init; }

    /// <summary>Gets the event's unique id (a UUIDv7 when the service makes it); receipts are fetched by it.</summary>
    public required Guid Id { get; init; }

    /// <summary>Gets when the event happened, in UTC with millisecond precision.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Gets the DID of whoever acted: the provider, the patient, or the service.</summary>
    public required string Actor { get; init; }

    /// <summary>Gets the patient's DID, when the event concerns a patient.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the record's content id (CIDv1), when the event concerns a record.</summary>
    public string? Record { get; init; }

    /// <summary>Gets the consent credential's id, when the event concerns a consent.</summary>
    public string? Consent { get; init; }

    /// <summary>Gets the HL7 v3 purpose of use (for example <c>TREAT</c>, <c>ETREAT</c>), when one was stated.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the reason code of a denial (an access reason name such as <c>Revoked</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets what the decision rested on, as hashes and identifiers.</summary>
    public AuditEvidence? Evidence { get; init; }

    /// <summary>Gets the anchor transaction an anchoring event concerns, or <see langword="null"/>.</summary>
    public AnchorFacts? Anchor { get; init; }

    /// <summary>Writes the entry's canonical bytes: the leaf data of the Merkle tree.</summary>
    /// <returns>The JCS form of the entry's JSON.</returns>
    /// <exception cref="ArgumentException">A member is invalid (see <see cref="Validate"/>); the message names the member only.</exception>
    public byte[] ToCanonicalBytes()
    {
        var error = Validate(out var member);
        if (error != AuditEntryError.None)
        {
            throw new ArgumentException($"The audit entry's '{member}' is invalid: {error}.");
        }

        // Written straight in JCS form: members in code-unit order, no whitespace, and every value is ASCII that Validate has
        // checked (DIDs, identifiers without spaces or controls, hex, UUID, time), where JCS escapes only '"' and '\\' — as the
        // relaxed encoder does. The tests compare this with the general canonicalizer; parsing re-checks it on every read.
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("actor", Actor);
            if (Anchor is { } anchor)
            {
                writer.WriteStartObject("anchor");
                foreach (var (name, value) in anchor.Members())
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
            }

            WriteOptional(writer, "consent", Consent);
            if (Evidence is { IsEmpty: false } e)
            {
                writer.WriteStartObject("evidence");
                WriteOptional(writer, "credential", e.Credential);
                WriteOptional(writer, "holder", e.Holder);
                WriteOptional(writer, "holderVersion", e.HolderVersion);
                WriteOptional(writer, "issuer", e.Issuer);
                WriteOptional(writer, "issuerVersion", e.IssuerVersion);
                WriteOptional(writer, "presentation", e.Presentation);
                WriteOptional(writer, "statedReason", e.StatedReason);
                WriteOptional(writer, "statusList", e.StatusList);
                writer.WriteEndObject();
            }

            writer.WriteString("id", Id.ToString("D"));
            WriteOptional(writer, "purpose", Purpose);
            WriteOptional(writer, "reason", Reason);
            WriteOptional(writer, "record", Record);
            WriteOptional(writer, "subject", Subject);
            writer.WriteString("time", Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
            writer.WriteString("type", Type.ToString());
            writer.WriteNumber("v", FormatVersion);
            writer.WriteEndObject();
        }

        var canonical = buffer.WrittenSpan.ToArray();
        if (canonical.Length > MaxLength)
        {
            throw new ArgumentException($"The audit entry is {canonical.Length} bytes; at most {MaxLength} are allowed.");
        }

        return canonical;
    }

    /// <summary>Computes the entry's Merkle leaf hash.</summary>
    /// <returns>SHA-256(0x00 ‖ canonical bytes).</returns>
    public TreeHash LeafHash() => TreeHash.OfLeaf(ToCanonicalBytes());

    /// <summary>Parses entry bytes, accepting only a valid entry in canonical form.</summary>
    /// <param name="bytes">The entry's bytes, as stored and as hashed into the tree.</param>
    /// <param name="entry">The entry, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why the bytes were refused, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the bytes are exactly the canonical bytes of a valid entry.</returns>
    public static bool TryParse(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out AuditEntry? entry, out AuditEntryError error)
    {
        entry = null;
        if (bytes.Length > MaxLength)
        {
            error = AuditEntryError.TooLong;
            return false;
        }

        // System.Text.Json checks UTF-8 inside strings only when they are read; refuse it here, once.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            error = AuditEntryError.MalformedJson;
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException)
        {
            error = AuditEntryError.MalformedJson;
            return false;
        }

        using (document)
        {
            error = Read(document.RootElement, out entry);
            if (error != AuditEntryError.None)
            {
                return false;
            }
        }

        // Parsing is only half of it: the bytes must be the very bytes this entry canonicalizes to, or the leaf would differ.
        if (entry!.Validate(out _) is var invalid && invalid != AuditEntryError.None)
        {
            error = invalid;
            entry = null;
            return false;
        }

        if (!entry.ToCanonicalBytes().AsSpan().SequenceEqual(bytes))
        {
            error = AuditEntryError.NotCanonical;
            entry = null;
            return false;
        }

        return true;
    }

    /// <summary>Checks every member.</summary>
    /// <param name="member">The first invalid member's name, when there is one.</param>
    /// <returns><see cref="AuditEntryError.None"/>, or why the first invalid member is invalid.</returns>
    public AuditEntryError Validate(out string? member)
    {
        (string Name, AuditEntryError Error)[] checks =
        [
            ("type", Enum.IsDefined(Type) ? AuditEntryError.None : AuditEntryError.UnknownType),
            ("time", Time.Offset == TimeSpan.Zero && Time.Ticks % TimeSpan.TicksPerMillisecond == 0 && Time.Year is >= 2000 and <= 9999
                ? AuditEntryError.None : AuditEntryError.InvalidTime),
            ("actor", CheckDid(Actor, required: true)),
            ("subject", CheckDid(Subject, required: false)),
            ("record", CheckIdentifier(Record)),
            ("consent", CheckIdentifier(Consent)),
            ("purpose", CheckIdentifier(Purpose)),
            ("reason", CheckIdentifier(Reason)),
            ("evidence.presentation", CheckHash(Evidence?.Presentation)),
            ("evidence.credential", CheckHash(Evidence?.Credential)),
            ("evidence.holder", CheckDid(Evidence?.Holder, required: false)),
            ("evidence.holderVersion", CheckIdentifier(Evidence?.HolderVersion)),
            ("evidence.issuer", CheckDid(Evidence?.Issuer, required: false)),
            ("evidence.issuerVersion", CheckIdentifier(Evidence?.IssuerVersion)),
            ("evidence.statusList", CheckHash(Evidence?.StatusList)),
            ("evidence.statedReason", CheckHash(Evidence?.StatedReason)),
            (Anchor?.Invalid() ?? "anchor", Anchor?.Invalid() is null ? AuditEntryError.None : AuditEntryError.InvalidIdentifier),
        ];
        foreach (var (name, error) in checks)
        {
            if (error != AuditEntryError.None)
            {
                member = name;
                return error;
            }
        }

        member = null;
        return AuditEntryError.None;
    }

    /// <summary>Returns a copy with the time cut to whole milliseconds in UTC, as entries carry it.</summary>
    /// <param name="time">Any time.</param>
    /// <returns>The time as an entry can hold it.</returns>
    public static DateTimeOffset EntryTime(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static AuditEntryError Read(JsonElement root, out AuditEntry? entry)
    {
        entry = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return AuditEntryError.MalformedJson;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (Array.BinarySearch(s_members, property.Name, StringComparer.Ordinal) < 0)
            {
                return AuditEntryError.UnknownMember;
            }
        }

        if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version != FormatVersion
            || !TryString(root, "type", out var typeText) || !TryString(root, "id", out var idText) || !TryString(root, "time", out var timeText)
            || !TryString(root, "actor", out var actor))
        {
            return AuditEntryError.MissingOrMistyped;
        }

        // Enum.TryParse accepts numbers and different case; only the exact names are entry types.
        if (!Enum.GetNames<AuditEventType>().Contains(typeText, StringComparer.Ordinal))
        {
            return AuditEntryError.UnknownType;
        }

        if (!Guid.TryParseExact(idText, "D", out var id) || !string.Equals(id.ToString("D"), idText, StringComparison.Ordinal))
        {
            return AuditEntryError.MissingOrMistyped;
        }

        if (!DateTime.TryParseExact(timeText, TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return AuditEntryError.InvalidTime;
        }

        AuditEvidence? evidence = null;
        if (root.TryGetProperty("evidence", out var e))
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                return AuditEntryError.MissingOrMistyped;
            }

            if (e.EnumerateObject().Any(p => Array.BinarySearch(s_evidenceMembers, p.Name, StringComparer.Ordinal) < 0))
            {
                return AuditEntryError.UnknownMember;
            }

            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var name in s_evidenceMembers)
            {
                if (!TryOptionalString(e, name, out var value))
                {
                    return AuditEntryError.MissingOrMistyped;
                }

                values[name] = value;
            }

            evidence = new AuditEvidence(values["presentation"], values["credential"], values["holder"], values["holderVersion"],
                values["issuer"], values["issuerVersion"], values["statusList"], values["statedReason"]);
        }

        AnchorFacts? anchorFacts = null;
        if (root.TryGetProperty("anchor", out var a))
        {
            if (a.ValueKind != JsonValueKind.Object)
            {
                return AuditEntryError.MissingOrMistyped;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in a.EnumerateObject())
            {
                if (Array.BinarySearch(AnchorFacts.MemberNames, property.Name, StringComparer.Ordinal) < 0)
                {
                    return AuditEntryError.UnknownMember;
                }

                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return AuditEntryError.MissingOrMistyped;
                }

                values[property.Name] = property.Value.GetString()!;
            }

            anchorFacts = AnchorFacts.Read(values);
            if (anchorFacts is null)
            {
                return AuditEntryError.MissingOrMistyped;
            }
        }

        if (!TryOptionalString(root, "subject", out var subject) || !TryOptionalString(root, "record", out var record)
            || !TryOptionalString(root, "consent", out var consent) || !TryOptionalString(root, "purpose", out var purpose)
            || !TryOptionalString(root, "reason", out var reason))
        {
            return AuditEntryError.MissingOrMistyped;
        }

        entry = new AuditEntry
        {
            Type = Enum.Parse<AuditEventType>(typeText),
            Id = id,
            Time = new DateTimeOffset(time, TimeSpan.Zero),
            Actor = actor,
            Subject = subject,
            Record = record,
            Consent = consent,
            Purpose = purpose,
            Reason = reason,
            Evidence = evidence,
            Anchor = anchorFacts,
        };
        return AuditEntryError.None;
    }

    private static bool TryString(JsonElement element, string name, [NotNullWhen(true)] out string? value)
    {
        value = element.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.String ? member.GetString() : null;
        return value is not null;
    }

    private static bool TryOptionalString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (!element.TryGetProperty(name, out var member))
        {
            return true;
        }

        value = member.ValueKind == JsonValueKind.String ? member.GetString() : null;
        return value is not null;
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static AuditEntryError CheckDid(string? value, bool required)
    {
        if (value is null)
        {
            return required ? AuditEntryError.MissingOrMistyped : AuditEntryError.None;
        }

        return value.Length <= MaxDidLength && Did.TryParse(value, out _, out _) ? AuditEntryError.None : AuditEntryError.InvalidDid;
    }

    private static AuditEntryError CheckIdentifier(string? value) =>
        value is null || (value.Length is > 0 and <= MaxIdentifierLength && value.All(c => c is > ' ' and < (char)0x7F))
            ? AuditEntryError.None
            : AuditEntryError.InvalidIdentifier;

    private static AuditEntryError CheckHash(string? value) =>
        value is null || (value.Length == 64 && value.All(char.IsAsciiHexDigitLower))
            ? AuditEntryError.None
            : AuditEntryError.InvalidHash;
}
