using System.Security.Cryptography;

namespace IdentityEhr.Ethereum.Crypto;

/// <summary>A secp256k1 private key held for repeated signing, with its address derived once.</summary>
/// <remarks>The key lives in a pinned buffer cleared on <see cref="Dispose"/>; deriving the address once saves a curve multiplication per signature.</remarks>
public sealed class EthereumSigningKey : IDisposable
{
    private readonly byte[] _privateKey;
    private bool _disposed;

    /// <summary>Creates a signing key from a 32-byte private key (copied).</summary>
    /// <param name="privateKey">The private key.</param>
    /// <exception cref="ArgumentException">The private key is invalid.</exception>
    public EthereumSigningKey(ReadOnlySpan<byte> privateKey)
    {
        if (!Secp256k1.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("A secp256k1 private key is a 32-byte scalar in [1, n-1].", nameof(privateKey));
        }

        _privateKey = GC.AllocateArray<byte>(privateKey.Length, pinned: true);
        privateKey.CopyTo(_privateKey);
        PublicKey = Secp256k1.DerivePublicKey(_privateKey);
        Address = Address.FromPublicKey(PublicKey.Span);
    }

    /// <summary>Gets the compressed public key.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>Gets the key's address.</summary>
    public Address Address { get; }

    /// <summary>Signs a 32-byte hash (RFC 6979, low s) with the recovery id appended.</summary>
    /// <param name="hash">The hash.</param>
    /// <returns>65 bytes <c>r ‖ s ‖ yParity</c>.</returns>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public byte[] SignRecoverable(ReadOnlySpan<byte> hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Secp256k1.SignRecoverable(hash, _privateKey);
    }

    /// <summary>Clears the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_privateKey);
            _disposed = true;
        }
    }

    /// <summary>Describes the key by its address only.</summary>
    /// <returns>A description without the secret.</returns>
    public override string ToString() => $"signing key of {Address}";
}
