using BenchmarkDotNet.Attributes;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Identity.Benchmarks;

/// <summary>Issue 3 target: did:key resolution ≥ 200,000/s on one core; baseline: decoding the identifier alone.</summary>
[MemoryDiagnoser]
public class ResolutionBenchmarks
{
    private const string Text = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    private readonly Did _did = Did.Parse(Text);
    private readonly DidResolver _cached = new([new DidKey()], TimeProvider.System);

    [Benchmark(Baseline = true, Description = "decode the identifier only (DID parse + base58btc)")]
    public bool DecodeOnly() => Did.TryParse(Text, out var did, out _) && Multibase.TryDecode(did.MethodSpecificId, out _, out _);

    [Benchmark(Description = "did:key resolve, uncached (Ed25519 + derived X25519)")]
    public DidResolutionResult ResolveUncached() => DidKey.Resolve(_did, DidResolutionOptions.Default);

    [Benchmark(Description = "did:key resolve through DidResolver, cached")]
    public ValueTask<DidResolutionResult> ResolveCached() => _cached.ResolveAsync(Text);
}
