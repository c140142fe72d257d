using System.Diagnostics.CodeAnalysis;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum;

/// <summary>A 20-byte Ethereum account or contract address.</summary>
/// <remarks>
/// Text form is <c>0x</c> followed by 40 hexadecimal digits. <see cref="ToString"/> is lowercase (what JSON-RPC and ABI use);
/// <see cref="ToChecksumString"/> is the EIP-55 form for people.
/// </remarks>
public readonly record struct Address
{
    /// <summary>The size of an address in bytes.</summary>
    public const int SizeInBytes = 20;

    private static readonly System.Buffers.SearchValues<char> s_lowerHexLetters = System.Buffers.SearchValues.Create("abcdef");
    private static readonly System.Buffers.SearchValues<char> s_upperHexLetters = System.Buffers.SearchValues.Create("ABCDEF");
    private readonly string? _hex;

    private Address(string lowercaseHex) => _hex = lowercaseHex;

    /// <summary>The zero address, <c>0x0000…0000</c>.</summary>
    public static Address Zero { get; } = new("0x" + new string('0', SizeInBytes * 2));

    /// <summary>Parses an address written as <c>0x</c> and 40 hexadecimal digits (any case).</summary>
    /// <param name="text">The address text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not an address.</exception>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var address)
            ? address
            : throw new FormatException("An address is '0x' followed by 40 hexadecimal digits.");
    }

    /// <summary>Tries to parse an address: <c>0x</c> and 40 hexadecimal digits, all lowercase, all uppercase, or EIP-55 checksummed.</summary>
    /// <remarks>EIP-55: mixed case is a checksum, and a mixed-case address whose checksum is wrong is refused (a typo guard).</remarks>
    /// <param name="text">The address text.</param>
    /// <param name="address">The address when parsing succeeds.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is an address; otherwise <see langword="false"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Address address)
    {
        address = default;
        if (text is null || text.Length != 2 + (SizeInBytes * 2) || !text.StartsWith("0x", StringComparison.Ordinal)
            || !Hex.IsHexDigits(text.AsSpan(2)))
        {
            return false;
        }

        var digits = text.AsSpan(2);
        var candidate = new Address(text.ToLowerInvariant());
        var mixedCase = digits.ContainsAny(s_lowerHexLetters) && digits.ContainsAny(s_upperHexLetters);
        if (mixedCase && !string.Equals(candidate.ToChecksumString(), text, StringComparison.Ordinal))
        {
            return false;
        }

        address = candidate;
        return true;
    }

    /// <summary>Derives the address of a secp256k1 public key: the last 20 bytes of Keccak-256 of its 64-byte (x ‖ y) form.</summary>
    /// <param name="publicKey">The key, compressed (33 bytes) or uncompressed (65 bytes).</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentException">The bytes are not a valid secp256k1 public key.</exception>
    public static Address FromPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (!Crypto.Secp256k1.TryDecompress(publicKey, out var uncompressed))
        {
            throw new ArgumentException("Not a valid secp256k1 public key.", nameof(publicKey));
        }

        return FromBytes(Crypto.Keccak256.HashData(uncompressed.AsSpan(1)).AsSpan(12));
    }

    /// <summary>Returns the EIP-55 mixed-case checksum form.</summary>
    /// <returns>The checksummed address text.</returns>
    public string ToChecksumString()
    {
        var lower = Value.AsSpan(2);
        var hash = Crypto.Keccak256.HashData(System.Text.Encoding.ASCII.GetBytes(lower.ToString()));
        return string.Create(42, (Lower: Value, Hash: hash), static (chars, state) =>
        {
            chars[0] = '0';
            chars[1] = 'x';
            for (var i = 0; i < 40; i++)
            {
                var c = state.Lower[2 + i];
                var nibble = (state.Hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
                chars[2 + i] = c is >= 'a' and <= 'f' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
            }
        });
    }

    /// <summary>Creates an address from its 20 bytes.</summary>
    /// <param name="bytes">Exactly <see cref="SizeInBytes"/> bytes.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 20 bytes long.</exception>
    public static Address FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SizeInBytes)
        {
            throw new ArgumentException($"An address is {SizeInBytes} bytes.", nameof(bytes));
        }

        return new Address(Hex.Encode(bytes));
    }

    /// <summary>Returns the 20 bytes of the address.</summary>
    /// <returns>A new array of <see cref="SizeInBytes"/> bytes.</returns>
    public byte[] ToBytes() => Hex.Decode(Value.AsSpan(2));

    /// <summary>Returns the lowercase <c>0x</c> text form.</summary>
    /// <returns>The address text.</returns>
    public override string ToString() => Value;

    private string Value => _hex ?? Zero._hex!;
}
