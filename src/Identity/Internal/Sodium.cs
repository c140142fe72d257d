using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace IdentityEhr.Identity.Internal;

/// <summary>
/// The thin P/Invoke layer over libsodium (the library NSec wraps). It is the only Ed25519 and X25519 code path in the
/// project. Callers pass exact-size spans; this layer checks sizes once more, because a wrong size here is memory corruption.
/// </summary>
internal static partial class Sodium
{
    public const string Library = "libsodium.so.23";
    public const int Ed25519PublicKeyBytes = 32;
    public const int Ed25519SeedBytes = 32;
    public const int Ed25519SecretKeyBytes = 64;
    public const int Ed25519SignatureBytes = 64;
    public const int X25519KeyBytes = 32;
    public const int PasswordSaltBytes = 16;
    public const int Argon2id13 = 2;

    private static volatile bool s_initialized;

    /// <summary>Initializes libsodium once; a missing library becomes one clear message naming the package.</summary>
    public static void EnsureInitialized()
    {
        if (s_initialized)
        {
            return;
        }

        int result;
        try
        {
            result = sodium_init();
        }
        catch (DllNotFoundException e)
        {
            throw new CryptographicException(
                $"libsodium is not installed ({Library} not found): install Debian's libsodium23 package (apt-get install libsodium23).", e);
        }

        // 0: initialized now; 1: already initialized. -1: failure.
        if (result < 0)
        {
            throw new CryptographicException("libsodium failed to initialize.");
        }

        s_initialized = true;
    }

    public static void Ed25519SeedKeyPair(Span<byte> publicKey, Span<byte> secretKey, ReadOnlySpan<byte> seed)
    {
        Check(publicKey.Length == Ed25519PublicKeyBytes && secretKey.Length == Ed25519SecretKeyBytes && seed.Length == Ed25519SeedBytes);
        EnsureInitialized();
        if (crypto_sign_ed25519_seed_keypair(publicKey, secretKey, seed) != 0)
        {
            throw new CryptographicException("libsodium could not derive an Ed25519 key pair.");
        }
    }

    public static void Ed25519Sign(Span<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey)
    {
        Check(signature.Length == Ed25519SignatureBytes && secretKey.Length == Ed25519SecretKeyBytes);
        EnsureInitialized();
        if (crypto_sign_ed25519_detached(signature, out _, message, (ulong)message.Length, secretKey) != 0)
        {
            throw new CryptographicException("libsodium could not sign.");
        }
    }

    public static bool Ed25519Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != Ed25519SignatureBytes || publicKey.Length != Ed25519PublicKeyBytes)
        {
            return false;
        }

        EnsureInitialized();
        return crypto_sign_ed25519_verify_detached(signature, message, (ulong)message.Length, publicKey) == 0;
    }

    /// <summary>Maps an Ed25519 public key to its X25519 form, u = (1+y)/(1−y); false for invalid or small-order points.</summary>
    public static bool Ed25519PublicKeyToX25519(Span<byte> x25519PublicKey, ReadOnlySpan<byte> ed25519PublicKey)
    {
        Check(x25519PublicKey.Length == X25519KeyBytes && ed25519PublicKey.Length == Ed25519PublicKeyBytes);
        EnsureInitialized();
        return crypto_sign_ed25519_pk_to_curve25519(x25519PublicKey, ed25519PublicKey) == 0;
    }

    public static void Ed25519SecretKeyToX25519(Span<byte> x25519SecretKey, ReadOnlySpan<byte> ed25519SecretKey)
    {
        Check(x25519SecretKey.Length == X25519KeyBytes && ed25519SecretKey.Length == Ed25519SecretKeyBytes);
        EnsureInitialized();
        if (crypto_sign_ed25519_sk_to_curve25519(x25519SecretKey, ed25519SecretKey) != 0)
        {
            throw new CryptographicException("libsodium could not convert the Ed25519 secret key.");
        }
    }

    /// <summary>True when the 32 bytes are a canonical encoding of a point on the main subgroup (no small order).</summary>
    public static bool Ed25519IsValidPoint(ReadOnlySpan<byte> publicKey)
    {
        Check(publicKey.Length == Ed25519PublicKeyBytes);
        EnsureInitialized();
        return crypto_core_ed25519_is_valid_point(publicKey) == 1;
    }

    public static void X25519PublicKey(Span<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        Check(publicKey.Length == X25519KeyBytes && secretKey.Length == X25519KeyBytes);
        EnsureInitialized();
        if (crypto_scalarmult_curve25519_base(publicKey, secretKey) != 0)
        {
            throw new CryptographicException("libsodium could not derive an X25519 public key.");
        }
    }

    /// <summary>X25519 Diffie-Hellman; false when the peer key is of small order (the shared secret would be all zeros).</summary>
    public static bool X25519(Span<byte> sharedSecret, ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> peerPublicKey)
    {
        Check(sharedSecret.Length == X25519KeyBytes && secretKey.Length == X25519KeyBytes && peerPublicKey.Length == X25519KeyBytes);
        EnsureInitialized();
        return crypto_scalarmult_curve25519(sharedSecret, secretKey, peerPublicKey) == 0;
    }

    /// <summary>Argon2id13 password hashing into <paramref name="key"/>.</summary>
    public static void Argon2id(Span<byte> key, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ulong opsLimit, nuint memLimit)
    {
        Check(salt.Length == PasswordSaltBytes && key.Length >= 16);
        EnsureInitialized();
        if (crypto_pwhash(key, (ulong)key.Length, password, (ulong)password.Length, salt, opsLimit, memLimit, Argon2id13) != 0)
        {
            throw new CryptographicException("Argon2id failed (out of memory for the requested memory limit?).");
        }
    }

    private static void Check(bool sizesAreRight)
    {
        if (!sizesAreRight)
        {
            throw new ArgumentException("A buffer passed to libsodium has the wrong size.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_seed_keypair(Span<byte> pk, Span<byte> sk, ReadOnlySpan<byte> seed);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_detached(Span<byte> sig, out ulong siglen, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> sk);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_verify_detached(ReadOnlySpan<byte> sig, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> pk);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_pk_to_curve25519(Span<byte> curve25519Pk, ReadOnlySpan<byte> ed25519Pk);

    [LibraryImport(Library)]
    private static partial int crypto_sign_ed25519_sk_to_curve25519(Span<byte> curve25519Sk, ReadOnlySpan<byte> ed25519Sk);

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_is_valid_point(ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519_base(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    private static partial int crypto_pwhash(
        Span<byte> output, ulong outlen, ReadOnlySpan<byte> passwd, ulong passwdlen, ReadOnlySpan<byte> salt, ulong opslimit, nuint memlimit, int alg);
}
