namespace IdentityEhr.AuditLog.Checkpoints;

/// <summary>Why checkpoint text or a signed checkpoint was refused.</summary>
public enum CheckpointError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The note around the checkpoint is malformed (see <see cref="Notes.NoteError"/>).</summary>
    MalformedNote,

    /// <summary>The text has fewer than three lines, or does not end in a newline.</summary>
    MissingLines,

    /// <summary>The origin line is empty.</summary>
    EmptyOrigin,

    /// <summary>The size line is not a decimal number without leading zeros that fits in 64 bits.</summary>
    InvalidTreeSize,

    /// <summary>The root line is not standard base64.</summary>
    InvalidRootHash,

    /// <summary>The root decodes, but not to a 32-byte SHA-256 hash.</summary>
    RootNotSha256,

    /// <summary>An extension line is empty.</summary>
    EmptyExtensionLine,

    /// <summary>The checkpoint's origin is not the one expected.</summary>
    WrongOrigin,

    /// <summary>No trusted key signed the checkpoint, or a trusted key's signature fails.</summary>
    SignatureNotVerified,
}
