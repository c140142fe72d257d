using System.Diagnostics.CodeAnalysis;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum;

/// <summary>A 20-byte Ethereum account or contract address.</summary>
/// <remarks>
/// Text form is <c>0x</c> followed by 40 hexadecimal digits. Checksummed (EIP-55) output arrives with Keccak-256;
/// until then the canonical text is lowercase, which every JSON-RPC node accepts.
/// </remarks>
public readonly record struct Address
{
    /// <summary>The size of an address in bytes.</summary>
    public const int SizeInBytes = 20;

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

    /// <summary>Tries to parse an address written as <c>0x</c> and 40 hexadecimal digits (any case).</summary>
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

        address = new Address(text.ToLowerInvariant());
        return true;
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
