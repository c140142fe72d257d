namespace IdentityEhr.AuditLog.Notes;

/// <summary>Why a signed note, a signature line or a verifier key was refused.</summary>
public enum NoteError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The note is longer than <see cref="SignedNote.MaxLength"/> characters.</summary>
    TooLong,

    /// <summary>The note holds a control character other than a newline, or is not valid UTF-8.</summary>
    ControlCharacter,

    /// <summary>The note has no blank line separating the text from the signatures, or no text before it.</summary>
    NoSignatureBlock,

    /// <summary>A signature line is not <c>— name base64</c> ending in a newline.</summary>
    MalformedSignatureLine,

    /// <summary>A key name is empty, holds a space or a <c>+</c>.</summary>
    InvalidKeyName,

    /// <summary>The note carries more than <see cref="SignedNote.MaxSignatures"/> signatures.</summary>
    TooManySignatures,

    /// <summary>A verifier key is not <c>name+keyid+base64(type ‖ key)</c>, or its key id does not match its key.</summary>
    MalformedVerifierKey,

    /// <summary>A verifier key uses a signature type this library does not verify.</summary>
    UnsupportedSignatureType,

    /// <summary>A signature by a known key did not verify; the whole note is refused.</summary>
    BadSignature,

    /// <summary>No signature on the note is by a known key.</summary>
    NoVerifiableSignature,
}
