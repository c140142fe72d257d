using Org.BouncyCastle.Crypto.Digests;

namespace IdentityEhr.Ethereum.Crypto;

/// <summary>Keccak-256 as Ethereum uses it: the original Keccak padding (domain byte 0x01), not NIST SHA3-256 (0x06).</summary>
/// <remarks>Keccak reference (round 3) with rate 1088 bits; Ethereum Yellow Paper Appendix F. Through BouncyCastle's KeccakDigest(256).</remarks>
public static class Keccak256
{
    /// <summary>The size of a hash in bytes.</summary>
    public const int HashSizeInBytes = 32;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to hash.</param>
    /// <returns>The 32-byte hash.</returns>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var hash = new byte[HashSizeInBytes];
        HashData(data, hash);
        return hash;
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/>.</summary>
    /// <param name="data">The bytes to hash.</param>
    /// <param name="destination">At least 32 bytes.</param>
    /// <returns>The number of bytes written (32).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static int HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (!TryHashData(data, destination, out var written))
        {
            throw new ArgumentException("The destination is shorter than 32 bytes.", nameof(destination));
        }

        return written;
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> when it is large enough.</summary>
    /// <param name="data">The bytes to hash.</param>
    /// <param name="destination">The buffer for the hash.</param>
    /// <param name="bytesWritten">32 when the hash was written, else 0.</param>
    /// <returns><see langword="true"/> when the destination held 32 bytes; otherwise <see langword="false"/>.</returns>
    public static bool TryHashData(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < HashSizeInBytes)
        {
            return false;
        }

        // Portable.BouncyCastle 1.8.10 has array APIs only.
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data.ToArray(), 0, data.Length);
        var hash = new byte[HashSizeInBytes];
        digest.DoFinal(hash, 0);
        hash.CopyTo(destination);
        bytesWritten = HashSizeInBytes;
        return true;
    }
}
