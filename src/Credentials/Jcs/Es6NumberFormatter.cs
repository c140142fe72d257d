using System.Globalization;

namespace IdentityEhr.Credentials.Jcs;

/// <summary>
/// Serializes an IEEE 754 double the way ECMAScript's <c>Number.prototype.toString</c> does (ECMA-262 §6.1.6.1.20),
/// which RFC 8785 §3.2.2.3 requires.
/// </summary>
/// <remarks>
/// .NET's round-trip format already yields the shortest digit string that reads back to the same double; only the
/// placement of the decimal point and exponent differ from ECMAScript, so this rewrites that layout.
/// </remarks>
internal static class Es6NumberFormatter
{
    /// <summary>Longest output: sign, 17 digits, point, "e-", three exponent digits, with room to spare.</summary>
    internal const int MaxLength = 32;

    /// <summary>Formats a finite double.</summary>
    /// <param name="value">The value; must be finite.</param>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <returns>The number of bytes written (ASCII).</returns>
    internal static int Format(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            // Both +0 and -0 serialize as "0".
            destination[0] = (byte)'0';
            return 1;
        }

        // The round-trip format yields the shortest digit string that reads back to the same double (.NET Core 3.0+).
        Span<char> shortest = stackalloc char[MaxLength];
        if (!Math.Abs(value).TryFormat(shortest, out var shortLength, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit its formatting buffer.");
        }

        Span<byte> digits = stackalloc byte[20];
        var digitCount = 0;
        var pointPosition = -1;
        var exponent = 0;
        var leadingZeros = 0;
        var seenNonZero = false;
        var text = shortest[..shortLength];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                pointPosition = digitCount + leadingZeros;
            }
            else if (c is 'E' or 'e')
            {
                exponent = int.Parse(text[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else if (c == '0' && !seenNonZero)
            {
                leadingZeros++;
            }
            else
            {
                seenNonZero = true;
                digits[digitCount++] = (byte)c;
            }
        }

        var integerDigits = pointPosition < 0 ? digitCount + leadingZeros : pointPosition;

        // Trailing zeros of the digit string belong to the magnitude, not to the significant digits.
        var significant = digitCount;
        while (significant > 1 && digits[significant - 1] == (byte)'0')
        {
            significant--;
        }

        // value = 0.d1d2...dk × 10^n in ECMAScript's terms: n is the position of the decimal point relative to the
        // first significant digit.
        var n = integerDigits - leadingZeros + exponent;
        var k = significant;
        var position = 0;
        if (value < 0)
        {
            destination[position++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            digits[..k].CopyTo(destination[position..]);
            position += k;
            destination.Slice(position, n - k).Fill((byte)'0');
            return position + (n - k);
        }

        if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination[position..]);
            position += n;
            destination[position++] = (byte)'.';
            digits[n..k].CopyTo(destination[position..]);
            return position + (k - n);
        }

        if (-6 < n && n <= 0)
        {
            destination[position++] = (byte)'0';
            destination[position++] = (byte)'.';
            destination.Slice(position, -n).Fill((byte)'0');
            position += -n;
            digits[..k].CopyTo(destination[position..]);
            return position + k;
        }

        destination[position++] = digits[0];
        if (k > 1)
        {
            destination[position++] = (byte)'.';
            digits[1..k].CopyTo(destination[position..]);
            position += k - 1;
        }

        destination[position++] = (byte)'e';
        var e = n - 1;
        destination[position++] = e < 0 ? (byte)'-' : (byte)'+';
        if (!Math.Abs(e).TryFormat(destination[position..], out var exponentLength, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("An exponent did not fit its formatting buffer.");
        }

        return position + exponentLength;
    }
}
