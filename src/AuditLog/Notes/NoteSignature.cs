using System.Buffers.Binary;
using System.Collections.Immutable;

namespace IdentityEhr.AuditLog.Notes;

/// <summary>One signature line of a signed note: <c>— &lt;key name&gt; base64(key id ‖ signature)</c>.</summary>
/// <param name="KeyName">The signer's key name.</param>
/// <param name="KeyId">The key id, the first four bytes of the decoded line as a big-endian integer.</param>
/// <param name="Signature">The signature bytes after the key id.</param>
/// <remarks>C2SP signed-note.</remarks>
public sealed record NoteSignature(string KeyName, uint KeyId, ImmutableArray<byte> Signature)
{
    /// <summary>Writes the signature line, with its final newline.</summary>
    /// <returns>The line, for example <c>— example.com/log Uw2QOk…=\n</c>.</returns>
    public string ToLine()
    {
        var bytes = new byte[4 + Signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyId);
        Signature.CopyTo(bytes, 4);
        return $"\u2014 {KeyName} {Convert.ToBase64String(bytes)}\n";
    }
}
