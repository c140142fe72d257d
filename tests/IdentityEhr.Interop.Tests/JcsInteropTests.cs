using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck.Fluent;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Tests;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>
/// JCS against independent references run by node (tests/Interop/jcs.mjs): the JavaScript engine's Number-to-String, which
/// RFC 8785 §3.2.2.3 adopts, over 20,000 doubles; and npm <c>canonicalize</c> 5.1.0 over 2,000 generated documents.
/// </summary>
public sealed class JcsInteropTests
{
    private const string Script = "tests/Interop/jcs.mjs";

    [Fact]
    public async Task Every_double_serializes_as_the_javascript_engine_does()
    {
        var random = new Random(8785);
        var bits = Enumerable.Range(0, 20_000)
            .Select(i => i % 2 == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : BitConverter.DoubleToInt64Bits(random.NextDouble() * Math.Pow(10, random.Next(-30, 30))))
            .Where(b => double.IsFinite(BitConverter.Int64BitsToDouble(b)))
            .Select(b => b.ToString("x16", CultureInfo.InvariantCulture))
            .ToArray();

        var expected = JsonSerializer.Deserialize<string[]>(
            await NodeScript.RunAsync(Script, ["numbers"], JsonSerializer.Serialize(bits), TestContext.Current.CancellationToken))!;

        for (var i = 0; i < bits.Length; i++)
        {
            var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(bits[i], 16));
            var ours = Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(value.ToString("R", CultureInfo.InvariantCulture))));
            Assert.True(expected[i] == ours, $"{bits[i]}: node {expected[i]}, ours {ours}");
        }
    }

    [Fact]
    public async Task Generated_documents_canonicalize_as_npm_canonicalize_does()
    {
        var documents = JsonSamples.Value().Sample(24, 2_000).ToArray();

        var expected = JsonSerializer.Deserialize<string[]>(
            await NodeScript.RunAsync(Script, ["canonicalize"], JsonSerializer.Serialize(documents), TestContext.Current.CancellationToken))!;

        for (var i = 0; i < documents.Length; i++)
        {
            Assert.Equal(expected[i], Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(documents[i]))));
        }
    }
}
