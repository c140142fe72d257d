using System.Text.Json;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>
/// Signed notes and checkpoints against shared/vectors/tlog/signed-note-vectors.json (Go sumdb/note tests, BSD-3-Clause;
/// C2SP signed-note.md, CC-BY-4.0; transparency-dev/formats, Apache-2.0) and derived-checkpoint-cosignature-vectors.json.
/// </summary>
public sealed class SignedNoteTests
{
    private static readonly JsonDocument s_notes = TlogVectors.Read("signed-note-vectors.json");
    private static readonly JsonDocument s_derived = TlogVectors.Read("derived-checkpoint-cosignature-vectors.json");

    private static JsonElement Note(string id) =>
        s_notes.RootElement.GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    private static JsonElement Derived(string name) => s_derived.RootElement.GetProperty(name);

    private static NoteVerifierKey Vkey(string text)
    {
        Assert.True(NoteVerifierKey.TryParse(text, out var key, out var error), error.ToString());
        return key;
    }

    /// <summary>The Go private-key form PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed), used by the vectors only.</summary>
    private static (string Name, PrivateKey Key) GoSigningKey(string skey)
    {
        var parts = skey.Split('+', 5);
        var data = Convert.FromBase64String(parts[4]);
        Assert.Equal(NoteVerifierKey.Ed25519Type, data[0]);
        return (parts[2], PrivateKey.Import(KeyType.Ed25519, data.AsSpan(1)));
    }

    [Fact]
    public void Signing_the_Go_note_reproduces_its_signature_byte_for_byte()
    {
        var vector = Note("go-note-peterneumann");
        var (name, key) = GoSigningKey(vector.GetProperty("signer_key").GetString()!);
        using (key)
        {
            var signer = new NoteSigner(name, key);

            var note = signer.SignNote(vector.GetProperty("note_text").GetString()!);

            Assert.Equal(vector.GetProperty("signed_note").GetString(), note.ToString());
            Assert.Equal(vector.GetProperty("verifier_key").GetString(), signer.VerifierKey.ToString());
        }
    }

    [Theory]
    [InlineData("go-note-peterneumann")]
    [InlineData("c2sp-signed-note-example")]
    [InlineData("sumdb-real-checkpoint")]
    public void Vector_notes_verify_with_their_keys(string id)
    {
        var vector = Note(id);
        Assert.True(SignedNote.TryParse(vector.GetProperty("signed_note").GetString(), out var note, out var error), error.ToString());

        var result = note.Verify([Vkey(vector.GetProperty("verifier_key").GetString()!)], out var verified);

        Assert.Equal(NoteError.None, result);
        Assert.Single(verified);
    }

    [Fact]
    public void Real_sumdb_checkpoint_parses_with_its_origin_and_size()
    {
        var vector = Note("sumdb-real-checkpoint");

        Assert.True(SignedCheckpoint.TryParse(vector.GetProperty("signed_note").GetString(), out var checkpoint, out var error), error.ToString());
        Assert.Equal("go.sum database tree", checkpoint.Checkpoint.Origin);
        Assert.Equal(6_476_701UL, checkpoint.Checkpoint.TreeSize);
    }

    [Fact]
    public void Two_signature_note_verifies_only_the_signatures_of_known_keys()
    {
        var vector = Note("go-note-two-sigs");
        var keys = vector.GetProperty("verifier_keys").EnumerateArray().Select(k => Vkey(k.GetString()!)).ToList();
        Assert.True(SignedNote.TryParse(vector.GetProperty("signed_note").GetString(), out var note, out _));

        Assert.Equal(NoteError.None, note.Verify(keys[..1], out var onlyPeter));
        Assert.Equal(NoteError.None, note.Verify(keys, out var both));
        Assert.Equal(NoteError.NoVerifiableSignature, note.Verify([], out _));
        Assert.Equal(["PeterNeumann"], onlyPeter.Select(s => s.KeyName));
        Assert.Equal(2, both.Length);
    }

    [Fact]
    public void Malformed_Go_notes_are_refused()
    {
        foreach (var input in Note("go-note-malformed").GetProperty("malformed_inputs").EnumerateArray().Select(e => e.GetString()!))
        {
            Assert.False(SignedNote.TryParse(input, out _, out var error), input);
            Assert.NotEqual(NoteError.None, error);
        }
    }

    [Fact]
    public void Invalid_UTF8_is_refused()
    {
        byte[] note = [0xFF, .. "x\n\n\u2014 a AAAAAAA=\n"u8];

        Assert.False(SignedNote.TryParse(note, out _, out var error));
        Assert.Equal(NoteError.ControlCharacter, error);
    }

    [Fact]
    public void A_bad_signature_by_a_known_key_refuses_the_whole_note()
    {
        var vector = Note("go-note-peterneumann");
        var text = vector.GetProperty("signed_note").GetString()!.Replace("problem is.", "problem was.", StringComparison.Ordinal);
        Assert.True(SignedNote.TryParse(text, out var note, out _));

        Assert.Equal(NoteError.BadSignature, note.Verify([Vkey(vector.GetProperty("verifier_key").GetString()!)], out _));
    }

    [Fact]
    public void More_than_the_maximum_number_of_signatures_is_refused()
    {
        var line = "\u2014 a AAAAAAA=\n";
        var note = "text\n\n" + string.Concat(Enumerable.Repeat(line, SignedNote.MaxSignatures + 1));

        Assert.False(SignedNote.TryParse(note, out _, out var error));
        Assert.Equal(NoteError.TooManySignatures, error);
    }

    [Fact]
    public void Oversized_note_is_refused()
    {
        var note = new string('a', SignedNote.MaxLength) + "\n\n\u2014 a AAAAAAA=\n";

        Assert.False(SignedNote.TryParse(note, out _, out var error));
        Assert.Equal(NoteError.TooLong, error);
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("Peter+Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("")]
    public void Malformed_verifier_keys_are_refused(string text)
    {
        Assert.False(NoteVerifierKey.TryParse(text, out _, out _));
    }

    [Fact]
    public void Verifier_key_of_an_unknown_signature_type_is_refused_as_unsupported()
    {
        Assert.False(NoteVerifierKey.TryParse("PeterNeumann+c74f20a3+BRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW".Replace("+B", "+/", StringComparison.Ordinal), out _, out var error));
        Assert.Equal(NoteError.UnsupportedSignatureType, error);
    }

    [Fact]
    public void Derived_checkpoints_are_reproduced_byte_for_byte()
    {
        var (name, key) = GoSigningKey(Derived("log_skey_go_format").GetString()!);
        using (key)
        {
            var signer = new NoteSigner(name, key);
            Assert.Equal(Derived("log_vkey").GetString(), signer.VerifierKey.ToString());
            Assert.Equal(Derived("log_key_id_hex").GetString(), signer.VerifierKey.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            foreach (var vector in Derived("checkpoints").EnumerateArray())
            {
                var checkpoint = new Checkpoint(name, vector.GetProperty("tree_size").GetUInt64(), TlogVectors.Hex(vector.GetProperty("root_hex").GetString()!));

                Assert.Equal(vector.GetProperty("note_text").GetString(), checkpoint.ToNoteText());
                Assert.Equal(vector.GetProperty("signed_note").GetString(), SignedCheckpoint.Sign(checkpoint, signer).ToString());
            }
        }
    }

    [Fact]
    public void Derived_checkpoints_verify_against_the_log_key_and_origin()
    {
        var key = Vkey(Derived("log_vkey").GetString()!);
        foreach (var vector in Derived("checkpoints").EnumerateArray())
        {
            Assert.True(SignedCheckpoint.TryParse(vector.GetProperty("signed_note").GetString(), out var checkpoint, out _));

            Assert.Equal(CheckpointError.None, checkpoint.Verify("example.com/test-log", key));
            Assert.Equal(CheckpointError.WrongOrigin, checkpoint.Verify("example.com/other-log", key));
        }
    }

    [Fact]
    public void Witness_cosignature_verifies_with_its_timestamp_and_the_log_signature_still_holds()
    {
        var cosignature = Derived("cosignature_v1_ed25519");
        var witness = Vkey(cosignature.GetProperty("witness_vkey").GetString()!);
        Assert.True(SignedNote.TryParse(cosignature.GetProperty("cosigned_checkpoint").GetString(), out var note, out _));

        Assert.Equal(NoteError.None, note.Verify([witness], out var verified));
        Assert.Equal(1_700_000_000UL, NoteVerifierKey.CosignatureTimestamp(Assert.Single(verified)));
        Assert.Equal(NoteError.None, note.Verify([Vkey(Derived("log_vkey").GetString()!)], out _));
        Assert.Equal(cosignature.GetProperty("signed_message").GetString(),
            System.Text.Encoding.UTF8.GetString(NoteVerifierKey.CosignedMessage(1_700_000_000, note.Text)));
    }

    [Fact]
    public void Checkpoint_texts_of_transparency_dev_formats_parse_or_are_refused_for_the_right_reason()
    {
        var vector = Note("formats-checkpoint-marshal");

        // Those cases carry placeholder roots ("bananas"); a checkpoint here is SHA-256, so they are refused for that reason alone.
        foreach (var c in vector.GetProperty("cases").EnumerateArray())
        {
            Assert.False(Checkpoint.TryParse(c.GetProperty("text").GetString(), out _, out var error));
            Assert.Equal(CheckpointError.RootNotSha256, error);
        }

        foreach (var text in vector.GetProperty("invalid_texts").EnumerateArray().Select(e => e.GetString()!))
        {
            Assert.False(Checkpoint.TryParse(text, out _, out var error), text);
            Assert.NotEqual(CheckpointError.RootNotSha256, error);
        }
    }

    [Fact]
    public void Go_tree_note_text_is_reproduced()
    {
        var vector = Note("go-tlog-tree-note");
        var root = TreeHash.OfLeaf("hello world"u8);

        Assert.Equal(vector.GetProperty("text").GetString(), new Checkpoint("go.sum database tree", vector.GetProperty("tree_size").GetUInt64(), root).ToNoteText());
    }

    [Theory]
    [InlineData("log\n01\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", CheckpointError.InvalidTreeSize)]
    [InlineData("log\n18446744073709551616\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", CheckpointError.InvalidTreeSize)]
    [InlineData("log\n+1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", CheckpointError.InvalidTreeSize)]
    [InlineData("log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n", CheckpointError.RootNotSha256)]
    [InlineData("log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n", CheckpointError.EmptyExtensionLine)]
    [InlineData("\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", CheckpointError.EmptyOrigin)]
    public void Hostile_checkpoint_texts_are_refused_with_their_reason(string text, CheckpointError expected)
    {
        Assert.False(Checkpoint.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }
}
