using System.Collections.Immutable;
using System.Text;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.AuditLog.Notes;

/// <summary>Signs notes with an Ed25519 key under a key name (signature type 0x01).</summary>
/// <remarks>C2SP signed-note. The signer does not own the key: the caller disposes it.</remarks>
public sealed class NoteSigner
{
    private readonly PrivateKey _key;

    /// <summary>Creates a signer.</summary>
    /// <param name="name">The key name; for a log, its origin.</param>
    /// <param name="key">An Ed25519 private key.</param>
    /// <exception cref="ArgumentException">The name is invalid or the key is not Ed25519.</exception>
    public NoteSigner(string name, PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        VerifierKey = NoteVerifierKey.Create(name, key.PublicKey);
        _key = key;
    }

    /// <summary>Gets the verifier key that checks this signer's signatures.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>Signs note text.</summary>
    /// <param name="text">The text: non-empty, ending in a newline.</param>
    /// <returns>The signature line.</returns>
    /// <exception cref="ArgumentException">The text is not valid note text.</exception>
    public NoteSignature Sign(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[^1] != '\n' || !SignedNote.IsValidText(text))
        {
            throw new ArgumentException("Note text is non-empty, ends in a newline and holds no other control characters.", nameof(text));
        }

        var signature = _key.Sign(Encoding.UTF8.GetBytes(text));
        return new NoteSignature(VerifierKey.Name, VerifierKey.KeyId, [.. signature]);
    }

    /// <summary>Signs note text and returns the signed note.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The note with this one signature.</returns>
    public SignedNote SignNote(string text) => SignedNote.Create(text, ImmutableArray.Create(Sign(text)));
}
