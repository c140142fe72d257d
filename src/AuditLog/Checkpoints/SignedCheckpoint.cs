using System.Diagnostics.CodeAnalysis;
using IdentityEhr.AuditLog.Notes;

namespace IdentityEhr.AuditLog.Checkpoints;

/// <summary>A checkpoint together with the signed note that carries it.</summary>
/// <param name="Checkpoint">The parsed checkpoint.</param>
/// <param name="Note">The note: the checkpoint's text and its signature lines (the log's and any witnesses').</param>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, SignedNote Note)
{
    /// <summary>Signs a checkpoint.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="signer">The log's signer; its key name should be the checkpoint's origin.</param>
    /// <returns>The signed checkpoint.</returns>
    public static SignedCheckpoint Sign(Checkpoint checkpoint, NoteSigner signer)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signer);
        return new SignedCheckpoint(checkpoint, signer.SignNote(checkpoint.ToNoteText()));
    }

    /// <summary>Parses a signed checkpoint without checking its signatures.</summary>
    /// <param name="note">The whole signed note.</param>
    /// <param name="checkpoint">The signed checkpoint, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it was refused, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the note is well formed and its text is a checkpoint.</returns>
    public static bool TryParse([NotNullWhen(true)] string? note, [NotNullWhen(true)] out SignedCheckpoint? checkpoint, out CheckpointError error)
    {
        checkpoint = null;
        if (!SignedNote.TryParse(note, out var signedNote, out _))
        {
            error = CheckpointError.MalformedNote;
            return false;
        }

        if (!Checkpoint.TryParse(signedNote.Text, out var parsed, out error))
        {
            return false;
        }

        checkpoint = new SignedCheckpoint(parsed, signedNote);
        return true;
    }

    /// <summary>Checks the origin and that the log's key signed the checkpoint.</summary>
    /// <param name="origin">The origin the verifier expects.</param>
    /// <param name="logKey">The log's verifier key.</param>
    /// <returns><see cref="CheckpointError.None"/> when both hold; otherwise the first that does not.</returns>
    public CheckpointError Verify(string origin, NoteVerifierKey logKey)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(logKey);
        if (!string.Equals(Checkpoint.Origin, origin, StringComparison.Ordinal))
        {
            return CheckpointError.WrongOrigin;
        }

        return Note.Verify([logKey], out _) == NoteError.None ? CheckpointError.None : CheckpointError.SignatureNotVerified;
    }

    /// <summary>Writes the signed note.</summary>
    /// <returns>The note text with its signature lines.</returns>
    public override string ToString() => Note.ToString();
}
