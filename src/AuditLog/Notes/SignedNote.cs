using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace IdentityEhr.AuditLog.Notes;

/// <summary>A signed note: text, a blank line, then one or more signature lines.</summary>
/// <remarks>
/// C2SP signed-note. The text ends in a newline and the last blank line separates it from the signatures. Parsing follows Go's
/// reference <c>note.Open</c>: valid UTF-8 with no control character but the newline, every signature line
/// <c>— name base64(keyid ‖ sig)</c> ending in a newline, key names without spaces or <c>+</c>, and at most
/// <see cref="MaxSignatures"/> signatures (the spec asks verifiers to accept at least 16).
/// </remarks>
public sealed class SignedNote
{
    /// <summary>The longest note accepted, in characters; a checkpoint with a hundred cosignatures is about 12,000.</summary>
    public const int MaxLength = 65_536;

    /// <summary>The most signature lines accepted on one note.</summary>
    public const int MaxSignatures = 100;

    private const string SignaturePrefix = "\u2014 ";

    private SignedNote(string text, ImmutableArray<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>Gets the signed text, ending in a newline.</summary>
    public string Text { get; }

    /// <summary>Gets the signature lines, in their order on the note.</summary>
    public ImmutableArray<NoteSignature> Signatures { get; }

    /// <summary>Creates a note from text and signatures.</summary>
    /// <param name="text">The text: non-empty, ending in a newline, no control characters but newlines.</param>
    /// <param name="signatures">At least one signature.</param>
    /// <returns>The note.</returns>
    /// <exception cref="ArgumentException">The text or the signatures are not valid for a note.</exception>
    public static SignedNote Create(string text, IEnumerable<NoteSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signatures);
        var list = signatures.ToImmutableArray();
        if (!IsValidText(text) || text.Length == 0 || text[^1] != '\n')
        {
            throw new ArgumentException("Note text is non-empty, ends in a newline and holds no other control characters.", nameof(text));
        }

        if (list.IsEmpty || list.Length > MaxSignatures || list.Any(s => !IsValidKeyName(s.KeyName)))
        {
            throw new ArgumentException($"A note has 1 to {MaxSignatures} signatures with valid key names.", nameof(signatures));
        }

        return new SignedNote(text, list);
    }

    /// <summary>Parses a signed note without checking any signature.</summary>
    /// <param name="note">The whole note, ending in a newline.</param>
    /// <param name="signedNote">The note, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it was refused, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the note is well formed.</returns>
    public static bool TryParse([NotNullWhen(true)] string? note, [NotNullWhen(true)] out SignedNote? signedNote, out NoteError error)
    {
        signedNote = null;
        error = Check(note);
        if (error != NoteError.None)
        {
            return false;
        }

        // The text ends at the last blank line: "\n\n" splits text (keeping its newline) from signatures.
        var split = note!.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            error = NoteError.NoSignatureBlock;
            return false;
        }

        var text = note[..(split + 1)];
        var block = note[(split + 2)..];
        if (block.Length == 0 || block[^1] != '\n')
        {
            error = NoteError.NoSignatureBlock;
            return false;
        }

        var lines = block[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            error = NoteError.TooManySignatures;
            return false;
        }

        var signatures = ImmutableArray.CreateBuilder<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            if (!TryParseSignatureLine(line, out var signature, out error))
            {
                return false;
            }

            signatures.Add(signature);
        }

        signedNote = new SignedNote(text, signatures.MoveToImmutable());
        return true;
    }

    /// <summary>Parses a signed note given as UTF-8 bytes, refusing invalid UTF-8.</summary>
    /// <param name="utf8">The note's bytes.</param>
    /// <param name="signedNote">The note, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it was refused, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the note is well formed.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out SignedNote? signedNote, out NoteError error)
    {
        signedNote = null;
        if (utf8.Length > MaxLength * 3)
        {
            error = NoteError.TooLong;
            return false;
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            error = NoteError.ControlCharacter;
            return false;
        }

        return TryParse(Encoding.UTF8.GetString(utf8), out signedNote, out error);
    }

    /// <summary>Checks the note's signatures against the keys the caller trusts.</summary>
    /// <param name="keys">The trusted verifier keys.</param>
    /// <param name="verified">The signatures that verified, when this returns <see cref="NoteError.None"/>.</param>
    /// <returns>
    /// <see cref="NoteError.None"/> when at least one trusted key signed and every signature by a trusted key holds;
    /// <see cref="NoteError.BadSignature"/> when a signature by a trusted key fails; otherwise
    /// <see cref="NoteError.NoVerifiableSignature"/>. Signatures by unknown keys are ignored, as the spec says.
    /// </returns>
    public NoteError Verify(IEnumerable<NoteVerifierKey> keys, out ImmutableArray<NoteSignature> verified)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var known = keys.ToList();
        var good = ImmutableArray.CreateBuilder<NoteSignature>();
        foreach (var signature in Signatures)
        {
            var key = known.FirstOrDefault(k => k.Name == signature.KeyName && k.KeyId == signature.KeyId);
            if (key is null)
            {
                continue;
            }

            if (!key.Verify(Text, signature))
            {
                verified = [];
                return NoteError.BadSignature;
            }

            if (!good.Contains(signature))
            {
                good.Add(signature);
            }
        }

        verified = good.ToImmutable();
        return verified.IsEmpty ? NoteError.NoVerifiableSignature : NoteError.None;
    }

    /// <summary>Returns a copy of the note with one more signature line.</summary>
    /// <param name="signature">The signature to add.</param>
    /// <returns>The new note.</returns>
    /// <exception cref="ArgumentException">The note already has <see cref="MaxSignatures"/> signatures or the name is invalid.</exception>
    public SignedNote WithSignature(NoteSignature signature) => Create(Text, Signatures.Add(signature));

    /// <summary>Writes the whole note: text, blank line, signature lines.</summary>
    /// <returns>The note.</returns>
    public override string ToString()
    {
        var note = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            note.Append(signature.ToLine());
        }

        return note.ToString();
    }

    /// <summary>Checks a key name: non-empty, with no Unicode space and no <c>+</c>.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when it is a valid note key name.</returns>
    public static bool IsValidKeyName([NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 256 && IsValidText(name) && !name.Contains('+', StringComparison.Ordinal)
        && !name.Any(c => char.IsWhiteSpace(c));

    internal static bool IsValidText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < 0x20 && c != '\n') || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[++i]))))
            {
                return false;
            }
        }

        return true;
    }

    private static NoteError Check(string? note)
    {
        if (note is null)
        {
            return NoteError.NoSignatureBlock;
        }

        if (note.Length > MaxLength)
        {
            return NoteError.TooLong;
        }

        return IsValidText(note) ? NoteError.None : NoteError.ControlCharacter;
    }

    private static bool TryParseSignatureLine(string line, [NotNullWhen(true)] out NoteSignature? signature, out NoteError error)
    {
        signature = null;
        error = NoteError.MalformedSignatureLine;
        if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = line[SignaturePrefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return false;
        }

        var name = rest[..space];
        if (!IsValidKeyName(name))
        {
            error = NoteError.InvalidKeyName;
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(rest[(space + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        // Base64 decoding tolerates embedded whitespace; a signature line must not carry any.
        if (bytes.Length < 5 || rest[(space + 1)..].Any(char.IsWhiteSpace))
        {
            return false;
        }

        signature = new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(bytes), [.. bytes.AsSpan(4)]);
        error = NoteError.None;
        return true;
    }
}
