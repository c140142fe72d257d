using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.Jose;

/// <summary>
/// Compact JWE (RFC 7516 §7.1) with <c>ECDH-ES+A256KW</c> key agreement on X25519 (RFC 8037 §3.2) and <c>A256GCM</c> content
/// encryption (RFC 7518 §4.6, §5.3): the form in which a record's key is released to a grantee's key-agreement key.
/// </summary>
public static class CompactJwe
{
    /// <summary>The key management algorithm.</summary>
    public const string Algorithm = "ECDH-ES+A256KW";

    /// <summary>The content encryption algorithm.</summary>
    public const string Encryption = "A256GCM";

    /// <summary>The longest compact JWE accepted.</summary>
    public const int MaxLength = 1024 * 1024;

    private const int KeyBytes = 32;
    private const int IvBytes = 12;
    private const int TagBytes = 16;

    /// <summary>Encrypts to an X25519 public key.</summary>
    /// <param name="plaintext">The bytes to protect.</param>
    /// <param name="recipient">The recipient's X25519 key (for a DID, a key under <c>keyAgreement</c>).</param>
    /// <param name="keyId">The recipient key's DID URL, written as <c>kid</c>.</param>
    /// <param name="contentType">The <c>cty</c>, if any.</param>
    /// <returns>The compact serialization.</returns>
    public static string Encrypt(ReadOnlySpan<byte> plaintext, PublicKey recipient, string? keyId, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (recipient.Type != KeyType.X25519)
        {
            throw new ArgumentException("ECDH-ES encrypts to an X25519 key.", nameof(recipient));
        }

        using var ephemeral = PrivateKey.Generate(KeyType.X25519);
        var header = new JsonObject
        {
            ["alg"] = Algorithm,
            ["enc"] = Encryption,
            ["epk"] = new JsonObject { ["kty"] = "OKP", ["crv"] = "X25519", ["x"] = Base64UrlText.Encode(ephemeral.PublicKey.Bytes) },
        };
        if (keyId is not null)
        {
            header["kid"] = keyId;
        }

        if (contentType is not null)
        {
            header["cty"] = contentType;
        }

        var encodedHeader = Base64UrlText.Encode(JsonSerializer.SerializeToUtf8Bytes(header));
        var shared = ephemeral.AgreeWith(recipient);
        var kek = ConcatKdf(shared, [], []);
        var cek = RandomNumberGenerator.GetBytes(KeyBytes);
        var iv = RandomNumberGenerator.GetBytes(IvBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        try
        {
            using (var gcm = new AesGcm(cek, TagBytes))
            {
                gcm.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(encodedHeader));
            }

            return string.Join('.', encodedHeader, Base64UrlText.Encode(AesKeyWrap.Wrap(kek, cek)), Base64UrlText.Encode(iv), Base64UrlText.Encode(ciphertext), Base64UrlText.Encode(tag));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(cek);
        }
    }

    /// <summary>Reads the <c>kid</c> of a JWE's header, so the recipient can pick its key, without decrypting.</summary>
    /// <param name="compact">The JWE.</param>
    /// <returns>The key id, or <see langword="null"/> when absent or the JWE is malformed.</returns>
    public static string? ReadKeyId(string? compact)
    {
        var dot = compact?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return compact is not null && dot > 0 && compact.Length <= MaxLength && JoseHeader.TryDecode(compact.AsSpan(0, dot), out var header) == JoseError.None
            ? JsonText.String(header, "kid")
            : null;
    }

    /// <summary>Decrypts with the recipient's X25519 private key.</summary>
    /// <param name="compact">The JWE.</param>
    /// <param name="recipient">The recipient's X25519 private key.</param>
    /// <param name="plaintext">The plaintext; the caller clears it when it is a key.</param>
    /// <param name="error">Why it could not be decrypted.</param>
    /// <returns>Whether it decrypted.</returns>
    public static bool TryDecrypt(string? compact, PrivateKey recipient, [NotNullWhen(true)] out byte[]? plaintext, out JoseError error)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        plaintext = null;
        if (compact is null || compact.Length > MaxLength)
        {
            error = compact is null ? JoseError.MalformedCompact : JoseError.TooLarge;
            return false;
        }

        var parts = compact.Split('.');
        if (parts.Length != 5)
        {
            error = JoseError.MalformedCompact;
            return false;
        }

        error = JoseHeader.TryDecode(parts[0], out var header);
        if (error != JoseError.None)
        {
            return false;
        }

        if (JsonText.String(header, "alg") != Algorithm || JsonText.String(header, "enc") != Encryption)
        {
            error = JoseError.UnsupportedAlgorithm;
            return false;
        }

        if (!TryReadEphemeralKey(header, out var ephemeral))
        {
            error = JoseError.InvalidEphemeralKey;
            return false;
        }

        if (!Base64UrlText.TryDecode(parts[1], out var wrapped) || !Base64UrlText.TryDecode(parts[2], out var iv) || !Base64UrlText.TryDecode(parts[3], out var ciphertext)
            || !Base64UrlText.TryDecode(parts[4], out var tag) || iv.Length != IvBytes || tag.Length != TagBytes || wrapped.Length != KeyBytes + 8
            || !TryPartyInfo(header, "apu", out var apu) || !TryPartyInfo(header, "apv", out var apv))
        {
            error = JoseError.MalformedCompact;
            return false;
        }

        byte[] shared;
        try
        {
            shared = recipient.AgreeWith(ephemeral);
        }
        catch (CryptographicException)
        {
            error = JoseError.InvalidEphemeralKey;
            return false;
        }
        catch (InvalidOperationException)
        {
            error = JoseError.DecryptionFailed;
            return false;
        }

        var kek = ConcatKdf(shared, apu, apv);
        CryptographicOperations.ZeroMemory(shared);
        if (!AesKeyWrap.TryUnwrap(kek, wrapped, out var cek))
        {
            CryptographicOperations.ZeroMemory(kek);
            error = JoseError.DecryptionFailed;
            return false;
        }

        CryptographicOperations.ZeroMemory(kek);
        var output = new byte[ciphertext.Length];
        try
        {
            using var gcm = new AesGcm(cek, TagBytes);
            gcm.Decrypt(iv, ciphertext, tag, output, Encoding.ASCII.GetBytes(parts[0]));
        }
        catch (AuthenticationTagMismatchException)
        {
            error = JoseError.DecryptionFailed;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cek);
        }

        plaintext = output;
        error = JoseError.None;
        return true;
    }

    private static bool TryReadEphemeralKey(JsonElement header, [NotNullWhen(true)] out PublicKey? key)
    {
        key = null;
        return header.TryGetProperty("epk", out var epk) && epk.ValueKind == JsonValueKind.Object
            && JsonText.String(epk, "kty") == "OKP" && JsonText.String(epk, "crv") == "X25519" && !epk.TryGetProperty("d", out _)
            && Base64UrlText.TryDecode(JsonText.String(epk, "x"), out var x)
            && PublicKey.TryImport(KeyType.X25519, x, out key, out _);
    }

    private static bool TryPartyInfo(JsonElement header, string name, out byte[] info)
    {
        info = [];
        return !header.TryGetProperty(name, out _) || (JsonText.String(header, name) is { } text && Base64UrlText.TryDecode(text, out info) && info.Length <= 1024);
    }

    /// <summary>The Concat KDF of NIST SP 800-56A as RFC 7518 §4.6.2 uses it, for one 256-bit output block.</summary>
    private static byte[] ConcatKdf(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> partyUInfo, ReadOnlySpan<byte> partyVInfo)
    {
        var algorithm = Encoding.ASCII.GetBytes(Algorithm);
        var input = new byte[4 + sharedSecret.Length + 4 + algorithm.Length + 4 + partyUInfo.Length + 4 + partyVInfo.Length + 4];
        var span = input.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, 1);
        span = span[4..];
        sharedSecret.CopyTo(span);
        span = span[sharedSecret.Length..];
        foreach (var part in (byte[][])[algorithm, partyUInfo.ToArray(), partyVInfo.ToArray()])
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)part.Length);
            part.CopyTo(span[4..]);
            span = span[(4 + part.Length)..];
        }

        BinaryPrimitives.WriteUInt32BigEndian(span, KeyBytes * 8);
        var kek = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        return kek;
    }
}
