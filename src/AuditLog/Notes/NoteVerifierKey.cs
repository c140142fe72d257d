using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.AuditLog.Notes;

/// <summary>A note verifier key ("vkey"): <c>&lt;name&gt;+&lt;hex key id&gt;+base64(type ‖ public key)</c>.</summary>
/// <remarks>
/// C2SP signed-note. Two signature types are verified here: <c>0x01</c>, Ed25519 over the note text (a log's own signature),
/// and <c>0x04</c>, the timestamped Ed25519 cosignature of C2SP tlog-cosignature (a witness's). The key id is
/// SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] for both, so a key cannot be presented under another name or type.
/// </remarks>
public sealed class NoteVerifierKey
{
    /// <summary>The signature type of an Ed25519 signature over the note text.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>The signature type of a timestamped Ed25519 cosignature (cosignature/v1).</summary>
    public const byte CosignatureV1Type = 0x04;

    private NoteVerifierKey(string name, byte type, PublicKey key)
    {
        Name = name;
        SignatureType = type;
        PublicKey = key;
        KeyId = ComputeKeyId(name, type, key.Bytes);
    }

    /// <summary>Gets the key name the signature lines carry.</summary>
    public string Name { get; }

    /// <summary>Gets the key id.</summary>
    public uint KeyId { get; }

    /// <summary>Gets the signature type byte.</summary>
    public byte SignatureType { get; }

    /// <summary>Gets the Ed25519 public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>Creates the verifier key of an Ed25519 public key under a name.</summary>
    /// <param name="name">The key name: non-empty, without spaces or <c>+</c>.</param>
    /// <param name="publicKey">An Ed25519 public key.</param>
    /// <param name="signatureType"><see cref="Ed25519Type"/> or <see cref="CosignatureV1Type"/>.</param>
    /// <returns>The verifier key.</returns>
    /// <exception cref="ArgumentException">The name is invalid, the key is not Ed25519, or the type is not supported.</exception>
    public static NoteVerifierKey Create(string name, PublicKey publicKey, byte signatureType = Ed25519Type)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!SignedNote.IsValidKeyName(name))
        {
            throw new ArgumentException("A note key name is non-empty and has no spaces or '+'.", nameof(name));
        }

        if (publicKey.Type != KeyType.Ed25519)
        {
            throw new ArgumentException("Note signatures here are Ed25519.", nameof(publicKey));
        }

        if (signatureType is not (Ed25519Type or CosignatureV1Type))
        {
            throw new ArgumentException("The signature type is 0x01 (Ed25519) or 0x04 (cosignature/v1).", nameof(signatureType));
        }

        return new NoteVerifierKey(name, signatureType, publicKey);
    }

    /// <summary>Parses a verifier key.</summary>
    /// <param name="text">For example <c>example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k</c>.</param>
    /// <param name="key">The key, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it was refused, when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the text is a well-formed key of a supported type whose key id matches.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out NoteVerifierKey? key, out NoteError error)
    {
        key = null;
        error = NoteError.MalformedVerifierKey;
        if (text is null || text.Length > 512)
        {
            return false;
        }

        // The name has no '+', the key id neither; the base64 key may (Go splits at the first two only).
        var parts = text.Split('+', 3);
        if (parts.Length != 3 || !SignedNote.IsValidKeyName(parts[0]) || parts[1].Length != 8
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId)
            || !parts[1].Equals(parts[1].ToLowerInvariant(), StringComparison.Ordinal))
        {
            return false;
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (data.Length < 2)
        {
            return false;
        }

        if (data[0] is not (Ed25519Type or CosignatureV1Type))
        {
            error = NoteError.UnsupportedSignatureType;
            return false;
        }

        if (!PublicKey.TryImport(KeyType.Ed25519, data.AsSpan(1), out var publicKey, out _))
        {
            return false;
        }

        var candidate = new NoteVerifierKey(parts[0], data[0], publicKey);
        if (candidate.KeyId != keyId)
        {
            return false;
        }

        key = candidate;
        error = NoteError.None;
        return true;
    }

    /// <summary>Computes a key id: the first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), big-endian.</summary>
    /// <param name="name">The key name.</param>
    /// <param name="signatureType">The signature type byte.</param>
    /// <param name="publicKey">The public key bytes.</param>
    /// <returns>The key id.</returns>
    public static uint ComputeKeyId(string name, byte signatureType, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var preimage = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(preimage, 0);
        preimage[nameBytes.Length] = 0x0A;
        preimage[nameBytes.Length + 1] = signatureType;
        publicKey.CopyTo(preimage.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(preimage));
    }

    /// <summary>Checks one signature line against the note text.</summary>
    /// <param name="text">The note text the line signs, with its final newline.</param>
    /// <param name="signature">The signature line; its name and key id must be this key's.</param>
    /// <returns><see langword="true"/> when the signature is valid.</returns>
    public bool Verify(string text, NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.KeyName != Name || signature.KeyId != KeyId)
        {
            return false;
        }

        var bytes = signature.Signature.AsSpan();
        if (SignatureType == Ed25519Type)
        {
            return bytes.Length == 64 && PublicKey.Verify(Encoding.UTF8.GetBytes(text), bytes);
        }

        // cosignature/v1: uint64 timestamp ‖ Ed25519 signature over "cosignature/v1\ntime <t>\n" ‖ text.
        if (bytes.Length != 72)
        {
            return false;
        }

        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        if (timestamp > long.MaxValue)
        {
            return false;
        }

        var message = CosignedMessage(timestamp, text);
        return PublicKey.Verify(message, bytes[8..]);
    }

    /// <summary>The message a cosignature/v1 signs (C2SP tlog-cosignature).</summary>
    internal static byte[] CosignedMessage(ulong timestamp, string text) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {timestamp}\n{text}"));

    /// <summary>Gets the timestamp a cosignature/v1 line carries.</summary>
    /// <param name="signature">A cosignature line.</param>
    /// <returns>The POSIX seconds, or <see langword="null"/> when the line is not a cosignature.</returns>
    public static ulong? CosignatureTimestamp(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Signature.Length == 72 ? BinaryPrimitives.ReadUInt64BigEndian(signature.Signature.AsSpan()) : null;
    }

    /// <summary>Writes the key in its text form.</summary>
    /// <returns><c>name+keyid+base64(type ‖ key)</c>.</returns>
    public override string ToString()
    {
        var data = new byte[1 + PublicKey.Bytes.Length];
        data[0] = SignatureType;
        PublicKey.Bytes.CopyTo(data.AsSpan(1));
        return $"{Name}+{KeyId:x8}+{Convert.ToBase64String(data)}";
    }
}
