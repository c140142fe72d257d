using System.Security.Cryptography;
using System.Text;
using IdentityEhr.Identity.Internal;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Wallets;

/// <summary>Encrypts private keys at rest with AES-256-GCM under a 256-bit key-encryption key.</summary>
/// <remarks>
/// The key-encryption key is either a master key held by the operator, or derived from a passphrase with Argon2id (RFC 9106)
/// through libsodium. A sealed key is <c>base64url(nonce[12] ‖ ciphertext ‖ tag[16])</c> of the key's Multikey secret bytes; the
/// associated data binds it to a context (the wallet entry's DID), so a sealed key cannot be moved to another entry unnoticed.
/// </remarks>
public sealed class KeySealer : IDisposable
{
    /// <summary>The size of a master key in bytes.</summary>
    public const int KeySizeInBytes = 32;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;
    private bool _disposed;

    /// <summary>Creates a sealer with a master key.</summary>
    /// <param name="masterKey">The 32-byte key-encryption key.</param>
    /// <exception cref="ArgumentException"><paramref name="masterKey"/> is not 32 bytes.</exception>
    public KeySealer(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != KeySizeInBytes)
        {
            throw new ArgumentException($"A master key is {KeySizeInBytes} bytes.", nameof(masterKey));
        }

        _key = GC.AllocateArray<byte>(KeySizeInBytes, pinned: true);
        masterKey.CopyTo(_key);
    }

    /// <summary>Gets a short public id of the key-encryption key (the first 8 bytes of its SHA-256), to tell keys apart.</summary>
    public string KeyId
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Convert.ToHexStringLower(SHA256.HashData(_key).AsSpan(0, 8));
        }
    }

    /// <summary>Derives the key-encryption key from a passphrase with Argon2id.</summary>
    /// <param name="passphrase">The passphrase (UTF-8).</param>
    /// <param name="parameters">The salt and cost.</param>
    /// <returns>The sealer; dispose it when done.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static KeySealer FromPassphrase(string passphrase, Argon2idParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        ArgumentNullException.ThrowIfNull(parameters);
        var password = Encoding.UTF8.GetBytes(passphrase);
        var key = GC.AllocateArray<byte>(KeySizeInBytes, pinned: true);
        try
        {
            Sodium.Argon2id(key, password, parameters.Salt.Span, parameters.OpsLimit, (nuint)parameters.MemLimitBytes);
            return new KeySealer(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Seals a private key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="context">What the sealed key belongs to (bound as associated data).</param>
    /// <returns>The sealed key as base64url text.</returns>
    public string Seal(PrivateKey key, string context)
    {
        ArgumentNullException.ThrowIfNull(key);
        var secret = Encoding.ASCII.GetBytes(key.ExportMultikey());
        try
        {
            return Seal(secret, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Seals arbitrary secret bytes (for example a service's signing seed).</summary>
    /// <param name="secret">The bytes.</param>
    /// <param name="context">What the sealed bytes belong to (bound as associated data).</param>
    /// <returns>The sealed bytes as base64url text.</returns>
    public string Seal(ReadOnlySpan<byte> secret, string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var output = new byte[NonceSize + secret.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, secret, output.AsSpan(NonceSize, secret.Length), output.AsSpan(NonceSize + secret.Length), Encoding.UTF8.GetBytes(context));
        return Base64UrlText.Encode(output);
    }

    /// <summary>Unseals a private key.</summary>
    /// <param name="sealedKey">The sealed key text.</param>
    /// <param name="context">The context it was sealed with.</param>
    /// <returns>The key; dispose it when done.</returns>
    /// <exception cref="CryptographicException">The key-encryption key or the context is wrong, or the text was altered.</exception>
    public PrivateKey Unseal(string sealedKey, string context)
    {
        var secret = UnsealBytes(sealedKey, context);
        try
        {
            return PrivateKey.TryImportMultikey(Encoding.ASCII.GetString(secret), out var key, out _)
                ? key
                : throw new CryptographicException("The sealed value is not a private key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Unseals bytes sealed with <see cref="Seal(ReadOnlySpan{byte}, string)"/>.</summary>
    /// <param name="sealedBytes">The sealed text.</param>
    /// <param name="context">The context it was sealed with.</param>
    /// <returns>The secret bytes; the caller clears them.</returns>
    /// <exception cref="CryptographicException">The key-encryption key or the context is wrong, or the text was altered.</exception>
    public byte[] UnsealBytes(string sealedBytes, string context)
    {
        ArgumentNullException.ThrowIfNull(sealedBytes);
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Base64UrlText.TryDecode(sealedBytes, out var input) || input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The sealed value is malformed.");
        }

        var length = input.Length - NonceSize - TagSize;
        var secret = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, length), input.AsSpan(NonceSize + length), secret, Encoding.UTF8.GetBytes(context));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("The sealed value does not open with this key (wrong passphrase or master key, or altered).", e);
        }

        return secret;
    }

    /// <summary>Clears the key-encryption key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_key);
            _disposed = true;
        }
    }
}
