namespace IdentityEhr.Identity.Multiformats;

/// <summary>base58btc (the Bitcoin alphabet) encoding and decoding, sized for keys and identifiers.</summary>
/// <remarks>
/// draft-msporny-base58 / the Bitcoin alphabet. Works on 32-bit limbs and five base-58 digits at a time (58⁵ &lt; 2³²), which
/// makes a Multikey decode about ten times faster than a digit-at-a-time big-number loop. Cross-checked against SimpleBase in
/// the property tests.
/// </remarks>
public static class Base58Btc
{
    /// <summary>The alphabet: digits and letters without 0, O, I and l.</summary>
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly sbyte[] s_values = BuildValues();
    private static readonly uint[] s_powers = [1, 58, 58 * 58, 58 * 58 * 58, 58 * 58 * 58 * 58, 58u * 58 * 58 * 58 * 58];

    /// <summary>Encodes bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The base58btc text (without a multibase prefix).</returns>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var zeros = 0;
        while (zeros < bytes.Length && bytes[zeros] == 0)
        {
            zeros++;
        }

        // The number as little-endian 32-bit limbs.
        var rest = bytes[zeros..];
        var limbs = new uint[(rest.Length + 3) / 4];
        for (var i = 0; i < rest.Length; i++)
        {
            var fromEnd = rest.Length - 1 - i;
            limbs[fromEnd / 4] |= (uint)rest[i] << (8 * (fromEnd % 4));
        }

        // At most ceil(n · log(256)/log(58)) digits.
        var digits = new char[zeros + (rest.Length * 138 / 100) + 2];
        var position = digits.Length;
        var used = limbs.Length;
        while (used > 0)
        {
            // Divide by 58⁵, yielding five digits per pass.
            ulong remainder = 0;
            for (var i = used - 1; i >= 0; i--)
            {
                var value = (remainder << 32) | limbs[i];
                limbs[i] = (uint)(value / s_powers[5]);
                remainder = value % s_powers[5];
            }

            while (used > 0 && limbs[used - 1] == 0)
            {
                used--;
            }

            for (var k = 0; k < 5 && (used > 0 || remainder > 0); k++)
            {
                digits[--position] = Alphabet[(int)(remainder % 58)];
                remainder /= 58;
            }
        }

        for (var i = 0; i < zeros; i++)
        {
            digits[--position] = '1';
        }

        return new string(digits, position, digits.Length - position);
    }

    /// <summary>Decodes base58btc text.</summary>
    /// <param name="text">The text (without a multibase prefix).</param>
    /// <param name="bytes">The bytes when every character is in the alphabet.</param>
    /// <returns><see langword="true"/> when the text is base58btc; otherwise <see langword="false"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        var digits = text[zeros..];

        // At most ceil(n · log(58)/log(2³²)) limbs.
        Span<uint> limbs = digits.Length <= 512 ? stackalloc uint[(digits.Length * 733 / 4000) + 2] : new uint[(digits.Length * 733 / 4000) + 2];
        var used = 0;
        for (var start = 0; start < digits.Length; start += 5)
        {
            var count = Math.Min(5, digits.Length - start);
            uint chunk = 0;
            for (var k = 0; k < count; k++)
            {
                var c = digits[start + k];
                var value = c < 128 ? s_values[c] : -1;
                if (value < 0)
                {
                    return false;
                }

                chunk = (chunk * 58) + (uint)value;
            }

            // limbs = limbs · 58^count + chunk
            ulong carry = chunk;
            var multiplier = s_powers[count];
            for (var i = 0; i < used; i++)
            {
                var product = ((ulong)limbs[i] * multiplier) + carry;
                limbs[i] = (uint)product;
                carry = product >> 32;
            }

            if (carry != 0)
            {
                limbs[used++] = (uint)carry;
            }
        }

        var significant = used * 4;
        while (significant > 0 && (byte)(limbs[(significant - 1) / 4] >> (8 * ((significant - 1) % 4))) == 0)
        {
            significant--;
        }

        bytes = new byte[zeros + significant];
        for (var i = 0; i < significant; i++)
        {
            bytes[bytes.Length - 1 - i] = (byte)(limbs[i / 4] >> (8 * (i % 4)));
        }

        return true;
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}
