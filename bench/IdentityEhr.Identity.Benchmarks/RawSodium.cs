using System.Runtime.InteropServices;

namespace IdentityEhr.Identity.Benchmarks;

/// <summary>libsodium called directly, with no layer of ours in between: the baseline the Ed25519 targets are measured against.</summary>
internal static partial class RawSodium
{
    [LibraryImport("libsodium.so.23")]
    public static partial int sodium_init();

    [LibraryImport("libsodium.so.23")]
    public static partial int crypto_sign_ed25519_seed_keypair(Span<byte> pk, Span<byte> sk, ReadOnlySpan<byte> seed);

    [LibraryImport("libsodium.so.23")]
    public static partial int crypto_sign_ed25519_detached(Span<byte> sig, out ulong siglen, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> sk);

    [LibraryImport("libsodium.so.23")]
    public static partial int crypto_sign_ed25519_verify_detached(ReadOnlySpan<byte> sig, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> pk);
}
