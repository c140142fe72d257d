using System.Collections.Immutable;
using System.Numerics;

namespace IdentityEhr.Ethereum.Rlp;

/// <summary>An RLP byte string: any bytes, including the big-endian form of an unsigned integer.</summary>
/// <remarks>
/// Ethereum Yellow Paper, Appendix B: a single byte below 0x80 encodes as itself; otherwise 0x80 + length for up to 55 bytes,
/// or 0xb7 + the size of the length, then the length, for longer strings. A scalar is its minimal big-endian form, so 0 is the
/// empty string.
/// </remarks>
public sealed class RlpString : RlpItem
{
    private static readonly ImmutableArray<RlpString> s_singleBytes = [.. Enumerable.Range(0, 256).Select(b => new RlpString(ImmutableArray.Create((byte)b)))];

    /// <summary>Creates a byte string from a copy of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <exception cref="ArgumentException">The encoding would not fit in an array.</exception>
    public RlpString(ReadOnlySpan<byte> bytes)
        : this(ImmutableArray.Create(bytes))
    {
    }

    private RlpString(ImmutableArray<byte> bytes)
        : base(EncodedLengthOf(bytes.AsSpan()), depth: 0)
    {
        Bytes = bytes;
    }

    /// <summary>Gets the empty string, which also encodes the integer 0 (<c>0x80</c>).</summary>
    public static RlpString Empty { get; } = new(ImmutableArray<byte>.Empty);

    /// <summary>Gets the bytes of the string.</summary>
    public ImmutableArray<byte> Bytes { get; }

    /// <summary>Creates the string that encodes an unsigned integer: its minimal big-endian bytes, empty for 0.</summary>
    /// <param name="value">The integer.</param>
    /// <returns>The string.</returns>
    public static RlpString FromUInt64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        return FromTrusted(buffer[(BitOperations.LeadingZeroCount(value) / 8)..]);
    }

    /// <summary>Creates the string that encodes a non-negative integer of any size: its minimal big-endian bytes, empty for 0.</summary>
    /// <remarks>RLP itself bounds no scalar; transactions bound theirs to 256 bits (<see cref="TryGetUInt256"/>).</remarks>
    /// <param name="value">The integer.</param>
    /// <returns>The string.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public static RlpString FromInteger(BigInteger value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value.IsZero ? Empty : FromTrusted(value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    /// <summary>Reads the string as an unsigned integer of at most 64 bits, written canonically.</summary>
    /// <param name="value">The integer when reading succeeds; otherwise 0.</param>
    /// <param name="error">
    /// <see cref="RlpError.None"/>, <see cref="RlpError.IntegerHasLeadingZeros"/> (a first byte of 0, including the single byte
    /// <c>0x00</c>) or <see cref="RlpError.IntegerTooLarge"/> (more than 8 bytes).
    /// </param>
    /// <returns><see langword="true"/> when the string is a canonical integer below 2^64; otherwise <see langword="false"/>.</returns>
    public bool TryGetUInt64(out ulong value, out RlpError error)
    {
        value = 0;
        if (!TryCheckInteger(sizeof(ulong), out error))
        {
            return false;
        }

        foreach (var b in Bytes)
        {
            value = (value << 8) | b;
        }

        return true;
    }

    /// <summary>Reads the string as an unsigned integer of at most 256 bits (Ethereum's word), written canonically.</summary>
    /// <param name="value">The integer, in <c>[0, 2^256)</c>, when reading succeeds; otherwise 0.</param>
    /// <param name="error">
    /// <see cref="RlpError.None"/>, <see cref="RlpError.IntegerHasLeadingZeros"/> (a first byte of 0, including the single byte
    /// <c>0x00</c>) or <see cref="RlpError.IntegerTooLarge"/> (more than 32 bytes).
    /// </param>
    /// <returns><see langword="true"/> when the string is a canonical integer below 2^256; otherwise <see langword="false"/>.</returns>
    public bool TryGetUInt256(out BigInteger value, out RlpError error)
    {
        value = BigInteger.Zero;
        if (!TryCheckInteger(32, out error))
        {
            return false;
        }

        value = new BigInteger(Bytes.AsSpan(), isUnsigned: true, isBigEndian: true);
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(RlpItem? other) => other is RlpString text && Bytes.AsSpan().SequenceEqual(text.Bytes.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes.AsSpan());
        return hash.ToHashCode();
    }

    /// <summary>Returns the bytes as lowercase <c>0x</c>-prefixed hexadecimal.</summary>
    /// <returns>The text, <c>0x</c> for the empty string.</returns>
    public override string ToString() => Internal.Hex.Encode(Bytes.AsSpan());

    /// <summary>Creates a string from decoded or freshly computed bytes, sharing the cached one-byte strings.</summary>
    internal static RlpString FromTrusted(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        0 => Empty,
        1 => s_singleBytes[bytes[0]],
        _ => new RlpString(ImmutableArray.Create(bytes)),
    };

    private bool TryCheckInteger(int maxBytes, out RlpError error)
    {
        // Yellow Paper B (scalars) and EIP-1559/geth: an integer has no leading zero bytes, so 0 is only ever 0x80.
        error = Bytes.Length > 0 && Bytes[0] == 0 ? RlpError.IntegerHasLeadingZeros
            : Bytes.Length > maxBytes ? RlpError.IntegerTooLarge
            : RlpError.None;
        return error is RlpError.None;
    }

    private static int EncodedLengthOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80)
        {
            return 1;
        }

        var length = (long)PrefixLength(bytes.Length) + bytes.Length;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException("The string is too long to encode in one array.", nameof(bytes));
        }

        return (int)length;
    }
}
