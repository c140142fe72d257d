using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace IdentityEhr.Credentials.Tests;

/// <summary>FsCheck generators of JSON text that exercise JCS: odd keys, escapes, surrogate pairs and every kind of double.</summary>
public static class JsonSamples
{
    private static readonly string[] s_fragments =
    [
        "a", "b", "A", "é", "€", "😂", "\u0080", "\u007f", "\ufb33", "\u0000", "\u001f", "\b", "\t", "\n", "\f", "\r", "\"", "\\", "/",
        "</script>", "1", "10", " ", "\u2028", "\uffff", "ö", "z",
    ];

    /// <summary>Any finite double, from its bits, so subnormals and extremes appear as often as ordinary values.</summary>
    public static Gen<double> FiniteDouble() =>
        Gen.OneOf(
            ArbMap.Default.GeneratorFor<long>().Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite),
            ArbMap.Default.GeneratorFor<int>().Select(i => (double)i),
            Gen.Elements(0.0, -0.0, 1e21, 1e-6, 1e-7, 999999999999999900000.0, 5e-324, double.MaxValue, double.Epsilon, 0.1, 1.5));

    /// <summary>A JSON string literal, escaped the way a sender might (some characters as <c>\uXXXX</c>).</summary>
    public static Gen<string> StringLiteral() =>
        from text in Text()
        from escapeAll in ArbMap.Default.GeneratorFor<bool>()
        select Quote(text, escapeAll);

    private static Gen<string> Text() => Gen.ArrayOf(Gen.Elements(s_fragments)).Select(string.Concat);

    /// <summary>A JSON value up to a few levels deep, with unique keys per object.</summary>
    public static Gen<string> Value() => Gen.Sized(size => Value(Math.Min(size, 24), depth: 0));

    private static Gen<string> Value(int size, int depth)
    {
        var scalar = Gen.OneOf(
            StringLiteral(),
            FiniteDouble().Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
            Gen.Elements("true", "false", "null", "1E2", "-0", "0.0000001", "123456789012345678901234567890"));
        if (depth >= 4 || size <= 1)
        {
            return scalar;
        }

        var child = Value(size / 2, depth + 1);
        var array = Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(child, n)).Select(items => "[" + string.Join(",", items) + "]");
        var obj =
            from count in Gen.Choose(0, 4)
            from keys in Gen.ListOf(Text(), count)
            from escapeAll in ArbMap.Default.GeneratorFor<bool>()
            from values in Gen.ListOf(child, 4)
            select "{" + string.Join(",", keys.Distinct(StringComparer.Ordinal).Select((k, i) => Quote(k, escapeAll) + ":" + values[i])) + "}";
        return Gen.OneOf(scalar, array, obj);
    }

    private static string Quote(string text, bool escapeAll)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c < 0x20 || c == '"' || c == '\\' || (escapeAll && c > 0x7e))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
