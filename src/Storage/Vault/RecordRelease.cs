using System.Security.Cryptography;
using System.Text.Json;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// A released record version: its ciphertext, and its data key as a compact JWE (<c>ECDH-ES+A256KW</c>, <c>A256GCM</c>) to the
/// requester's X25519 key-agreement key. The service never sees the plaintext on the way; the requester opens it locally with
/// <see cref="TryOpen"/>. The JWE's content is the data key as a JWK (RFC 7517 <c>oct</c>, <c>alg: A256GCM</c>; <c>cty: jwk+json</c>).
/// </summary>
/// <param name="Record">The version's metadata; its address is the ciphertext's associated data.</param>
/// <param name="Ciphertext">nonce ‖ ciphertext ‖ tag, as stored.</param>
/// <param name="Jwe">The data key, encrypted to the recipient.</param>
/// <param name="EventId">The <c>AccessGranted</c> event's id, when the service made the release (its receipt's key).</param>
public sealed partial record RecordRelease(StoredRecord Record, ReadOnlyMemory<byte> Ciphertext, string Jwe, Guid EventId)
{
    /// <summary>The JWE's <c>cty</c>.</summary>
    public const string KeyContentType = "jwk+json";

    /// <summary>Opens the record with the recipient's private key, failing closed.</summary>
    /// <param name="recipient">The X25519 private key of the key-agreement key the release named.</param>
    /// <param name="plaintext">The record's exact bytes, when this returns <see cref="RecordOpenError.None"/>.</param>
    /// <returns>Why it did not open, or <see cref="RecordOpenError.None"/>.</returns>
    public RecordOpenError TryOpen(PrivateKey recipient, out byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        plaintext = [];
        if (!ContentId.TryParse(Record.ContentId, out var cid) || !cid.Matches(Ciphertext.Span))
        {
            return RecordOpenError.CiphertextAltered;
        }

        if (recipient.Type != KeyType.X25519 || !CompactJwe.TryDecrypt(Jwe, recipient, out var jwk, out _))
        {
            return RecordOpenError.WrongRecipientKey;
        }

        byte[]? key = null;
        try
        {
            if (!TryReadKey(jwk, out key))
            {
                return RecordOpenError.MalformedKey;
            }

            return RecordCipher.TryOpen(key, Record.Address, Ciphertext.Span, out plaintext) ? RecordOpenError.None : RecordOpenError.AssociatedDataMismatch;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(jwk);
            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>Makes a release: the data key as a JWK, encrypted to the recipient.</summary>
    /// <param name="record">The version released.</param>
    /// <param name="ciphertext">Its ciphertext.</param>
    /// <param name="dataKey">Its data key (the caller clears it).</param>
    /// <param name="recipient">The requester's key-agreement key.</param>
    /// <param name="eventId">The <c>AccessGranted</c> event's id.</param>
    /// <returns>The release.</returns>
    /// <exception cref="ArgumentException">The recipient is not an X25519 key, or the data key is not 32 bytes.</exception>
    public static RecordRelease Create(StoredRecord record, ReadOnlyMemory<byte> ciphertext, ReadOnlySpan<byte> dataKey, RecordRecipient recipient, Guid eventId)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(recipient);
        if (dataKey.Length != RecordCipher.KeySize)
        {
            throw new ArgumentException("A data key is 32 bytes.", nameof(dataKey));
        }

        var jwk = KeyJwk(dataKey);
        try
        {
            return new RecordRelease(record, ciphertext, CompactJwe.Encrypt(jwk, recipient.Key, recipient.KeyId, KeyContentType), eventId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(jwk);
        }
    }

    /// <summary>Writes a data key as the JWE's content: a JWK in JCS member order.</summary>
    private static byte[] KeyJwk(ReadOnlySpan<byte> dataKey) =>
        System.Text.Encoding.ASCII.GetBytes($$"""{"alg":"A256GCM","k":"{{Base64UrlText.Encode(dataKey)}}","kty":"oct"}""");

    private static bool TryReadKey(byte[] jwk, out byte[] key)
    {
        key = [];
        try
        {
            using var document = JsonDocument.Parse(jwk, new JsonDocumentOptions { MaxDepth = 2 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 3
                || !root.TryGetProperty("kty", out var kty) || kty.ValueKind != JsonValueKind.String || kty.GetString() != "oct"
                || !root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "A256GCM"
                || !root.TryGetProperty("k", out var k) || k.ValueKind != JsonValueKind.String
                || !Base64UrlText.TryDecode(k.GetString(), out var bytes))
            {
                return false;
            }

            if (bytes.Length != RecordCipher.KeySize)
            {
                CryptographicOperations.ZeroMemory(bytes);
                return false;
            }

            key = bytes;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
