using BenchmarkDotNet.Attributes;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.Identity.Benchmarks;

/// <summary>Issue 3 target: Ed25519 sign and verify through our layer within 10% of calling libsodium directly.</summary>
[MemoryDiagnoser]
public class Ed25519Benchmarks
{
    private readonly byte[] _message = new byte[256];
    private readonly byte[] _publicKey = new byte[32];
    private readonly byte[] _secretKey = new byte[64];
    private readonly byte[] _signature = new byte[64];
    private PrivateKey _key = null!;
    private PublicKey _public = null!;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_message);
        var seed = new byte[32];
        seed[0] = 7;
        if (RawSodium.sodium_init() < 0
            || RawSodium.crypto_sign_ed25519_seed_keypair(_publicKey, _secretKey, seed) != 0
            || RawSodium.crypto_sign_ed25519_detached(_signature, out _, _message, (ulong)_message.Length, _secretKey) != 0)
        {
            throw new InvalidOperationException("libsodium failed in setup.");
        }

        _key = PrivateKey.Import(KeyType.Ed25519, seed);
        _public = PublicKey.Import(KeyType.Ed25519, _publicKey);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true, Description = "sign: libsodium direct")]
    [BenchmarkCategory("sign")]
    public int SignRaw()
    {
        Span<byte> signature = stackalloc byte[64];
        return RawSodium.crypto_sign_ed25519_detached(signature, out _, _message, (ulong)_message.Length, _secretKey);
    }

    [Benchmark(Description = "sign: PrivateKey.Sign")]
    [BenchmarkCategory("sign")]
    public byte[] Sign() => _key.Sign(_message);

    [Benchmark(Description = "verify: libsodium direct")]
    [BenchmarkCategory("verify")]
    public int VerifyRaw() => RawSodium.crypto_sign_ed25519_verify_detached(_signature, _message, (ulong)_message.Length, _publicKey);

    [Benchmark(Description = "verify: PublicKey.Verify")]
    [BenchmarkCategory("verify")]
    public bool Verify() => _public.Verify(_message, _signature);
}
