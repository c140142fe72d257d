using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;

namespace IdentityEhr.AuditLog.Receipts;

/// <summary>
/// The evidence that an event is in the audit log: its entry, its leaf index, the inclusion proof, and the signed checkpoint
/// the proof leads to. Anyone holding the log's public key can check it offline.
/// </summary>
/// <param name="EventId">The event's id (the entry's <c>id</c>).</param>
/// <param name="Entry">The entry's canonical bytes, exactly as hashed into the tree.</param>
/// <param name="LeafIndex">The entry's leaf index (its global position).</param>
/// <param name="InclusionProof">The RFC 9162 inclusion path of the leaf in the checkpoint's tree.</param>
/// <param name="Checkpoint">The signed checkpoint.</param>
/// <remarks>
/// Format: <c>specs/receipt.md</c> with <c>specs/receipt.schema.json</c>. It carries what a C2SP tlog-proof carries (see
/// <see cref="ToTlogProof"/>) plus the entry itself; issue 7 adds the anchor section.
/// </remarks>
public sealed record AuditReceipt(Guid EventId, ImmutableArray<byte> Entry, ulong LeafIndex, ImmutableArray<TreeHash> InclusionProof, SignedCheckpoint Checkpoint)
{
    /// <summary>The value of the receipt's <c>type</c> member.</summary>
    public const string TypeName = "AuditReceipt";

    /// <summary>The receipt format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest receipt accepted, in bytes.</summary>
    public const int MaxLength = 262_144;

    /// <summary>The format version of a receipt extended with an anchor (<see cref="Anchor"/>).</summary>
    public const int ExtendedFormatVersion = 2;

    private static readonly string[] s_members = ["anchor", "checkpoint", "entry", "eventId", "inclusionProof", "leafIndex", "type", "version"];

    /// <summary>Gets the anchor extension: a consistency proof to an anchored tree head and where it was published, or <see langword="null"/>.</summary>
    /// <remarks>A receipt with an anchor is written as version <see cref="ExtendedFormatVersion"/>; one without as <see cref="FormatVersion"/>.</remarks>
    public ReceiptAnchor? Anchor { get; init; }

    /// <summary>Writes the receipt as JSON.</summary>
    /// <returns>UTF-8 JSON, indented for people to read.</returns>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        // Relaxed escaping keeps '+' in base64 and the note's em dash readable; the receipt is data, never embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", TypeName);
            writer.WriteNumber("version", Anchor is null ? FormatVersion : ExtendedFormatVersion);
            writer.WriteString("eventId", EventId.ToString("D"));
            writer.WriteNumber("leafIndex", LeafIndex);
            writer.WriteString("entry", Convert.ToBase64String(Entry.AsSpan()));
            writer.WriteStartArray("inclusionProof");
            foreach (var hash in InclusionProof)
            {
                writer.WriteStringValue(hash.ToBase64());
            }

            writer.WriteEndArray();
            writer.WriteString("checkpoint", Checkpoint.ToString());
            if (Anchor is { } anchor)
            {
                writer.WritePropertyName("anchor");
                anchor.Write(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a receipt, refusing unknown members, wrong types and oversized input.</summary>
    /// <param name="json">The receipt's UTF-8 JSON.</param>
    /// <param name="receipt">The receipt, when this returns <see langword="true"/>.</param>
    /// <param name="error">A one-line reason, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the JSON is a well-formed receipt of this version.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out AuditReceipt? receipt, [NotNullWhen(false)] out string? error)
    {
        receipt = null;
        if (json.Length > MaxLength)
        {
            error = $"the receipt is larger than {MaxLength} bytes";
            return false;
        }

        JsonDocument document;
        try
        {
            // Strings are checked for UTF-8 only when read; check the whole text first.
            document = System.Text.Unicode.Utf8.IsValid(json)
                ? JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 4 })
                : throw new JsonException();
        }
        catch (JsonException)
        {
            error = "the receipt is not UTF-8 JSON";
            return false;
        }

        using (document)
        {
            return TryRead(document.RootElement, out receipt, out error);
        }
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out AuditReceipt? receipt, [NotNullWhen(false)] out string? error)
    {
        receipt = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the receipt is not a JSON object";
            return false;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in root.EnumerateObject())
        {
            if (Array.BinarySearch(s_members, member.Name, StringComparer.Ordinal) < 0)
            {
                error = $"the receipt has an unknown member '{(member.Name.Length > 40 ? member.Name[..40] : member.Name)}'";
                return false;
            }

            // JSON readers differ on which of two equal names wins; one text must mean one receipt.
            if (!names.Add(member.Name))
            {
                error = $"the receipt has the member '{member.Name}' twice";
                return false;
            }
        }

        if (String(root, "type") != TypeName || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
            || !version.TryGetInt32(out var v) || v is not (FormatVersion or ExtendedFormatVersion))
        {
            error = $"the receipt is not an {TypeName} of version {FormatVersion} or {ExtendedFormatVersion}";
            return false;
        }

        ReceiptAnchor? anchor = null;
        if (root.TryGetProperty("anchor", out var anchorElement) != (v == ExtendedFormatVersion))
        {
            error = $"a receipt of version {ExtendedFormatVersion} carries an anchor and one of version {FormatVersion} does not";
            return false;
        }

        if (v == ExtendedFormatVersion && !ReceiptAnchor.TryRead(anchorElement, out anchor, out error))
        {
            return false;
        }

        var eventIdText = String(root, "eventId");
        if (!Guid.TryParseExact(eventIdText, "D", out var eventId) || eventId.ToString("D") != eventIdText)
        {
            error = "eventId is not a lowercase UUID";
            return false;
        }

        if (!root.TryGetProperty("leafIndex", out var index) || index.ValueKind != JsonValueKind.Number || !index.TryGetUInt64(out var leafIndex))
        {
            error = "leafIndex is not a non-negative integer";
            return false;
        }

        byte[] entry;
        var entryText = String(root, "entry") ?? "!";
        try
        {
            // Convert tolerates whitespace inside base64; the format does not.
            entry = entryText.Any(char.IsWhiteSpace) ? throw new FormatException() : Convert.FromBase64String(entryText);
        }
        catch (FormatException)
        {
            error = "entry is not standard base64";
            return false;
        }

        if (entry.Length is 0 or > AuditEntry.MaxLength)
        {
            error = $"entry is empty or longer than {AuditEntry.MaxLength} bytes";
            return false;
        }

        if (!root.TryGetProperty("inclusionProof", out var proof) || proof.ValueKind != JsonValueKind.Array || proof.GetArrayLength() > TlogProof.MaxPathLength)
        {
            error = $"inclusionProof is not an array of at most {TlogProof.MaxPathLength} hashes";
            return false;
        }

        var path = ImmutableArray.CreateBuilder<TreeHash>(proof.GetArrayLength());
        foreach (var element in proof.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String || !TreeHash.TryParseBase64(element.GetString(), out var hash))
            {
                error = "inclusionProof holds something other than base64 SHA-256 hashes";
                return false;
            }

            path.Add(hash);
        }

        if (!SignedCheckpoint.TryParse(String(root, "checkpoint"), out var checkpoint, out var checkpointError))
        {
            error = $"checkpoint is not a signed C2SP checkpoint ({checkpointError})";
            return false;
        }

        receipt = new AuditReceipt(eventId, [.. entry], leafIndex, path.MoveToImmutable(), checkpoint) { Anchor = anchor };
        error = null;
        return true;
    }

    /// <summary>Checks the receipt offline: entry, checkpoint origin and signature, and inclusion, in that order.</summary>
    /// <param name="logKey">The log's note verifier key, obtained from a trusted source.</param>
    /// <param name="origin">The origin the verifier expects, or <see langword="null"/> to take the key's name.</param>
    /// <returns>The first failed check, or success with the parsed entry and checkpoint.</returns>
    public ReceiptVerification Verify(NoteVerifierKey logKey, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        if (!AuditEntry.TryParse(Entry.AsSpan(), out var entry, out _) || entry.Id != EventId)
        {
            return new(ReceiptFailure.EntryInvalid, null, null);
        }

        var tree = Checkpoint.Checkpoint;
        var check = Checkpoint.Verify(origin ?? logKey.Name, logKey);
        if (check != CheckpointError.None)
        {
            return new(check == CheckpointError.WrongOrigin ? ReceiptFailure.WrongOrigin : ReceiptFailure.CheckpointSignatureInvalid, entry, tree);
        }

        if (LeafIndex >= tree.TreeSize)
        {
            return new(ReceiptFailure.IndexOutsideTree, entry, tree);
        }

        var inclusion = new InclusionProof(LeafIndex, tree.TreeSize, InclusionProof).Verify(TreeHash.OfLeaf(Entry.AsSpan()), tree.RootHash);
        return new(inclusion.IsValid ? ReceiptFailure.None : ReceiptFailure.InclusionProofInvalid, entry, tree);
    }

    /// <summary>Gives the receipt's proof as a C2SP tlog-proof, for verifiers that speak that format.</summary>
    /// <returns>The tlog-proof (the entry itself travels separately).</returns>
    public TlogProof ToTlogProof() => new(LeafIndex, InclusionProof, Checkpoint);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
