using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// A key-encryption key of the vault: it wraps every record version's data key (AES-256-GCM, the version's address and this
/// key's id as associated data), so a wrapped key moved to another version, or presented as wrapped by another custody key,
/// does not unwrap. The database holds only wrapped keys; the custody key lives in a file of the operator's (see
/// <see cref="CustodyKeyFile"/>) and is rotated by rewrapping (<see cref="RecordVault.RotateCustodyKeyAsync"/>).
/// </summary>
public sealed class CustodyKey : IDisposable
{
    /// <summary>The key's length: 256 bits.</summary>
    public const int KeySize = 32;

    /// <summary>A wrapped data key's length: nonce (12) ‖ wrapped key (32) ‖ tag (16).</summary>
    public const int WrappedSize = RecordCipher.NonceSize + RecordCipher.KeySize + RecordCipher.TagSize;

    private static readonly byte[] s_wrapLabel = "identityehr/data-key/v1"u8.ToArray();
    private static readonly byte[] s_idLabel = "identityehr/custody-key-id/v1"u8.ToArray();

    private readonly byte[] _key;
    private bool _disposed;

    private CustodyKey(byte[] key)
    {
        _key = key;

        // The id is a fingerprint of the key, so a key file and the rows that name its id can be checked against each other.
        var fingerprint = SHA256.HashData([.. s_idLabel, .. key]);
        Id = "ck-" + Convert.ToHexStringLower(fingerprint.AsSpan(0, 8));
    }

    /// <summary>Gets the key's id (<c>ck-</c> and 16 hex digits), stored beside every data key it wraps.</summary>
    public string Id { get; }

    /// <summary>Makes a fresh random custody key.</summary>
    /// <returns>The key; the caller disposes it, which clears it.</returns>
    public static CustodyKey Generate() => new(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Takes a custody key's 32 bytes.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key (a copy; the caller clears its own).</returns>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static CustodyKey FromBytes(ReadOnlySpan<byte> key) =>
        key.Length == KeySize ? new CustodyKey(key.ToArray()) : throw new ArgumentException("A custody key is 32 bytes.", nameof(key));

    /// <summary>Wraps a record version's data key.</summary>
    /// <param name="dataKey">The 32-byte data key.</param>
    /// <param name="address">The version the data key belongs to.</param>
    /// <returns>nonce ‖ wrapped key ‖ tag (<see cref="WrappedSize"/> bytes).</returns>
    public byte[] Wrap(ReadOnlySpan<byte> dataKey, RecordAddress address)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (dataKey.Length != RecordCipher.KeySize)
        {
            throw new ArgumentException("A data key is 32 bytes.", nameof(dataKey));
        }

        var wrapped = new byte[WrappedSize];
        var nonce = wrapped.AsSpan(0, RecordCipher.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, RecordCipher.TagSize);
        aes.Encrypt(nonce, dataKey, wrapped.AsSpan(RecordCipher.NonceSize, RecordCipher.KeySize), wrapped.AsSpan(RecordCipher.NonceSize + RecordCipher.KeySize), AssociatedData(address));
        return wrapped;
    }

    /// <summary>Unwraps a record version's data key, failing closed.</summary>
    /// <param name="wrapped">What <see cref="Wrap"/> returned.</param>
    /// <param name="address">The version it must belong to.</param>
    /// <param name="dataKey">The data key, when this returns <see langword="true"/>; the caller clears it.</param>
    /// <returns><see langword="false"/> when the wrapped key was altered, belongs to another version, or another key wrapped it.</returns>
    public bool TryUnwrap(ReadOnlySpan<byte> wrapped, RecordAddress address, out byte[] dataKey)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        dataKey = [];
        if (wrapped.Length != WrappedSize)
        {
            return false;
        }

        var output = new byte[RecordCipher.KeySize];
        using var aes = new AesGcm(_key, RecordCipher.TagSize);
        try
        {
            aes.Decrypt(wrapped[..RecordCipher.NonceSize], wrapped.Slice(RecordCipher.NonceSize, RecordCipher.KeySize), wrapped[(RecordCipher.NonceSize + RecordCipher.KeySize)..], output, AssociatedData(address));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        dataKey = output;
        return true;
    }

    /// <summary>Writes the key's 32 bytes, for its file.</summary>
    /// <returns>A copy the caller clears.</returns>
    public byte[] ExportBytes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (byte[])_key.Clone();
    }

    /// <summary>Clears the key from memory.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }

    /// <inheritdoc/>
    public override string ToString() => Id;

    private byte[] AssociatedData(RecordAddress address)
    {
        var record = address.ToAssociatedData();
        var id = Encoding.ASCII.GetBytes(Id);
        var bytes = new byte[s_wrapLabel.Length + 1 + 2 + id.Length + record.Length];
        s_wrapLabel.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(s_wrapLabel.Length + 1), (ushort)id.Length);
        id.CopyTo(bytes, s_wrapLabel.Length + 3);
        record.CopyTo(bytes, s_wrapLabel.Length + 3 + id.Length);
        return bytes;
    }
}
