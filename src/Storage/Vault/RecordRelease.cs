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

    /// <summary>Writes a data key as the JWE's content: a JWK in JCS member order, built in bytes so no string holds the key.</summary>
    private static byte[] KeyJwk(ReadOnlySpan<byte> dataKey)
    {
        ReadOnlySpan<byte> prefix = "{\"alg\":\"A256GCM\",\"k\":\""u8;
        ReadOnlySpan<byte> suffix = "\",\"kty\":\"oct\"}"u8;
        var encoded = System.Buffers.Text.Base64Url.GetEncodedLength(dataKey.Length);
        var jwk = new byte[prefix.Length + encoded + suffix.Length];
        prefix.CopyTo(jwk);
        System.Buffers.Text.Base64Url.EncodeToUtf8(dataKey, jwk.AsSpan(prefix.Length));
        suffix.CopyTo(jwk.AsSpan(prefix.Length + encoded));
        return jwk;
    }

    private static bool TryReadKey(byte[] jwk, out byte[] key)
    {
        // Exactly three members, read from the bytes (no string holds the key): kty oct, alg A256GCM, k of 32 bytes.
        key = [];
        var reader = new Utf8JsonReader(jwk, new JsonReaderOptions { MaxDepth = 2 });
        var seen = 0;
        var kty = false;
        var alg = false;
        byte[]? k = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("kty"u8) ? 1 : reader.ValueTextEquals("alg"u8) ? 2 : reader.ValueTextEquals("k"u8) ? 3 : 0;
                if (name == 0 || (seen & (1 << name)) != 0 || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                {
                    return false;
                }

                seen |= 1 << name;
                kty |= name == 1 && reader.ValueSpan.SequenceEqual("oct"u8);
                alg |= name == 2 && reader.ValueSpan.SequenceEqual("A256GCM"u8);
                if (name == 3 && reader.ValueSpan.Length == System.Buffers.Text.Base64Url.GetEncodedLength(RecordCipher.KeySize))
                {
                    k = new byte[RecordCipher.KeySize];
                    if (System.Buffers.Text.Base64Url.DecodeFromUtf8(reader.ValueSpan, k, out _, out var written) != System.Buffers.OperationStatus.Done || written != k.Length)
                    {
                        CryptographicOperations.ZeroMemory(k);
                        k = null;
                    }
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || !kty || !alg || k is null)
            {
                if (k is not null)
                {
                    CryptographicOperations.ZeroMemory(k);
                }

                return false;
            }

            key = k;
            return true;
        }
        catch (JsonException)
        {
            if (k is not null)
            {
                CryptographicOperations.ZeroMemory(k);
            }

            return false;
        }
    }
}
