using System.Text.Json;
using BenchmarkDotNet.Attributes;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Benchmarks;

/// <summary>Issue 3 target: Multikey and JWK parse at ≥ 1,000,000/s on one core; baseline: SimpleBase's base58 decode of the same text.</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private const string Ed25519Multikey = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    private const string Jwk = """{"kty":"OKP","crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"}""";
    private string _p256Multikey = null!;
    private string _secp256k1Multikey = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var p256 = PrivateKey.Generate(KeyType.P256);
        using var secp256k1 = PrivateKey.Generate(KeyType.Secp256k1);
        (_p256Multikey, _secp256k1Multikey) = (p256.PublicKey.ExportMultikey(), secp256k1.PublicKey.ExportMultikey());
    }

    [Benchmark(Baseline = true, Description = "baseline: SimpleBase base58 decode only")]
    public int SimpleBaseDecodeOnly() => SimpleBase.Base58.Bitcoin.Decode(Ed25519Multikey.AsSpan(1)).Length;

    [Benchmark(Description = "our base58btc decode only")]
    public bool Base58Only() => Multibase.TryDecode(Ed25519Multikey, out _, out _);

    [Benchmark(Description = "Multikey Ed25519 parse (syntax, length, canonical)")]
    public bool MultikeyParseEd25519() => IdentityEhr.Identity.Keys.Multikey.TryParsePublic(Ed25519Multikey, out _, out _, out _);

    [Benchmark(Description = "Multikey P-256 parse (syntax, length, canonical)")]
    public bool MultikeyParseP256() => IdentityEhr.Identity.Keys.Multikey.TryParsePublic(_p256Multikey, out _, out _, out _);

    [Benchmark(Description = "JWK Ed25519 parse (syntax, length, canonical)")]
    public bool JwkParseEd25519() => JsonWebKey.TryParsePublic(Jwk, out _, out _, out _);

    [Benchmark(Description = "Multikey Ed25519 → PublicKey (point checked)")]
    public bool MultikeyEd25519() => PublicKey.TryImportMultikey(Ed25519Multikey, out _, out _);

    [Benchmark(Description = "Multikey P-256 → PublicKey (point checked)")]
    public bool MultikeyP256() => PublicKey.TryImportMultikey(_p256Multikey, out _, out _);

    [Benchmark(Description = "Multikey secp256k1 → PublicKey (point checked)")]
    public bool MultikeySecp256k1() => PublicKey.TryImportMultikey(_secp256k1Multikey, out _, out _);

    [Benchmark(Description = "JSON parse only (JsonDocument)")]
    public int JsonOnly()
    {
        using var document = JsonDocument.Parse(Jwk);
        return document.RootElement.GetPropertyCount();
    }

    [Benchmark(Description = "JWK Ed25519 → PublicKey (point checked)")]
    public bool JwkEd25519() => JsonWebKey.TryImportPublic(Jwk, out _, out _);
}
