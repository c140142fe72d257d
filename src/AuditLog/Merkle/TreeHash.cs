using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using IdentityEhr.AuditLog.Internal;

namespace IdentityEhr.AuditLog.Merkle;

/// <summary>A SHA-256 hash in a Merkle tree: a leaf hash, an interior node hash or a tree head's root.</summary>
/// <remarks>
/// RFC 9162 §2.1.1 (unchanged from RFC 6962 §2.1): the hash of the empty tree is SHA-256 of nothing, a leaf hash is
/// SHA-256(0x00 ‖ entry) and an interior node is SHA-256(0x01 ‖ left ‖ right). The two prefixes keep a leaf from ever being
/// passed off as an interior node (second-preimage attacks).
/// </remarks>
public readonly struct TreeHash : IEquatable<TreeHash>
{
    /// <summary>The size of a hash in bytes.</summary>
    public const int SizeInBytes = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    private static readonly TreeHash s_empty = FromDigest([]);

    private readonly HashBuffer _bytes;

    private TreeHash(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_bytes);
    }

    /// <summary>Gets the root hash of the empty tree, SHA-256 of no bytes.</summary>
    public static TreeHash Empty => s_empty;

    /// <summary>Wraps 32 bytes that are already a hash.</summary>
    /// <param name="bytes">The hash.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public static TreeHash Create(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SizeInBytes)
        {
            throw new ArgumentException($"A tree hash is {SizeInBytes} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new TreeHash(bytes);
    }

    /// <summary>Wraps bytes that should be a hash, refusing any other length.</summary>
    /// <param name="bytes">The candidate bytes.</param>
    /// <param name="hash">The hash, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="bytes"/> is exactly 32 bytes long.</returns>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out TreeHash hash)
    {
        hash = bytes.Length == SizeInBytes ? new TreeHash(bytes) : default;
        return bytes.Length == SizeInBytes;
    }

    /// <summary>Parses a hash in standard base64 with padding, as checkpoints and proofs carry it.</summary>
    /// <param name="text">The base64 text: exactly 44 characters.</param>
    /// <param name="hash">The hash, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the text is canonical base64 of 32 bytes.</returns>
    public static bool TryParseBase64([NotNullWhen(true)] string? text, out TreeHash hash)
    {
        hash = default;
        Span<byte> bytes = stackalloc byte[SizeInBytes + 3];
        if (text is not { Length: 44 } || !Convert.TryFromBase64String(text, bytes, out var written) || written != SizeInBytes)
        {
            return false;
        }

        hash = new TreeHash(bytes[..SizeInBytes]);

        // Reject non-canonical spellings (stray bits in the last character) so one hash has one text.
        return string.Equals(hash.ToBase64(), text, StringComparison.Ordinal);
    }

    /// <summary>Parses a hash in lowercase hexadecimal, as audit entries and the anchor contract's events carry it.</summary>
    /// <param name="text">Exactly 64 lowercase hex digits, no prefix.</param>
    /// <param name="hash">The hash, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the text is 64 lowercase hex digits.</returns>
    public static bool TryParseHex([NotNullWhen(true)] string? text, out TreeHash hash)
    {
        hash = default;
        if (text is null || !Internal.LowerHex.Is(text, 2 * SizeInBytes))
        {
            return false;
        }

        hash = new TreeHash(Convert.FromHexString(text));
        return true;
    }

    /// <summary>Computes the leaf hash of an entry: SHA-256(0x00 ‖ entry).</summary>
    /// <param name="entry">The entry's bytes.</param>
    /// <returns>The leaf hash.</returns>
    public static TreeHash OfLeaf(ReadOnlySpan<byte> entry)
    {
        // Entries are small (an audit entry is well under 1 KiB): hash prefix and entry from one buffer in one call.
        const int StackLimit = 1024;
        byte[]? rented = null;
        var input = entry.Length < StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(entry.Length + 1));
        try
        {
            input[0] = LeafPrefix;
            entry.CopyTo(input[1..]);
            Span<byte> digest = stackalloc byte[SizeInBytes];
            SHA256.HashData(input[..(entry.Length + 1)], digest);
            return new TreeHash(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Computes an interior node's hash from its children: SHA-256(0x01 ‖ left ‖ right).</summary>
    /// <param name="left">The left child.</param>
    /// <param name="right">The right child.</param>
    /// <returns>The node hash.</returns>
    public static TreeHash OfNode(in TreeHash left, in TreeHash right)
    {
        Span<byte> input = stackalloc byte[1 + (2 * SizeInBytes)];
        input[0] = NodePrefix;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + SizeInBytes)..]);
        Span<byte> digest = stackalloc byte[SizeInBytes];
        SHA256.HashData(input, digest);
        return new TreeHash(digest);
    }

    /// <summary>Computes an interior node's hash from two children given as adjacent 32-byte hashes.</summary>
    /// <param name="children">Left child then right child, 64 bytes.</param>
    /// <returns>The node hash.</returns>
    /// <exception cref="ArgumentException"><paramref name="children"/> is not 64 bytes long.</exception>
    internal static TreeHash OfNode(ReadOnlySpan<byte> children)
    {
        if (children.Length != 2 * SizeInBytes)
        {
            throw new ArgumentException("Two hashes are 64 bytes.", nameof(children));
        }

        Span<byte> input = stackalloc byte[1 + (2 * SizeInBytes)];
        input[0] = NodePrefix;
        children.CopyTo(input[1..]);
        Span<byte> digest = stackalloc byte[SizeInBytes];
        SHA256.HashData(input, digest);
        return new TreeHash(digest);
    }

    private static TreeHash FromDigest(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SizeInBytes];
        SHA256.HashData(data, digest);
        return new TreeHash(digest);
    }

    /// <summary>Copies the hash into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        ReadOnlySpan<byte> bytes = _bytes;
        bytes.CopyTo(destination);
    }

    /// <summary>Returns the hash as a new array.</summary>
    /// <returns>The 32 bytes.</returns>
    public byte[] ToArray()
    {
        ReadOnlySpan<byte> bytes = _bytes;
        return bytes.ToArray();
    }

    /// <summary>Returns the hash in standard base64 with padding, as checkpoints and proofs carry it.</summary>
    /// <returns>44 characters.</returns>
    public string ToBase64()
    {
        ReadOnlySpan<byte> bytes = _bytes;
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Returns the hash in lowercase hexadecimal.</summary>
    /// <returns>64 characters.</returns>
    public string ToHex()
    {
        ReadOnlySpan<byte> bytes = _bytes;
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc/>
    public bool Equals(TreeHash other)
    {
        ReadOnlySpan<byte> mine = _bytes;
        ReadOnlySpan<byte> theirs = other._bytes;
        return mine.SequenceEqual(theirs);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TreeHash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        ReadOnlySpan<byte> bytes = _bytes;
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    /// <summary>Returns the hash in base64.</summary>
    /// <returns>The base64 text.</returns>
    public override string ToString() => ToBase64();

    /// <summary>Compares two hashes byte for byte.</summary>
    /// <param name="left">One hash.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(TreeHash left, TreeHash right) => left.Equals(right);

    /// <summary>Compares two hashes byte for byte.</summary>
    /// <param name="left">One hash.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TreeHash left, TreeHash right) => !left.Equals(right);
}
