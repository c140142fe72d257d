using System.Security.Cryptography;

namespace IdentityEhr.Identity.Wallets;

/// <summary>The salt and cost of an Argon2id key derivation (RFC 9106), as libsodium's <c>crypto_pwhash</c> takes them.</summary>
/// <param name="Salt">16 random bytes.</param>
/// <param name="OpsLimit">The number of passes (libsodium's opslimit), at least 1.</param>
/// <param name="MemLimitBytes">The memory in bytes, at least 8 KiB.</param>
public sealed record Argon2idParameters(ReadOnlyMemory<byte> Salt, ulong OpsLimit, ulong MemLimitBytes)
{
    /// <summary>The salt size in bytes.</summary>
    public const int SaltSizeInBytes = 16;

    /// <summary>The default passes: libsodium's MODERATE opslimit.</summary>
    public const ulong DefaultOpsLimit = 3;

    /// <summary>The default memory: 64 MiB (libsodium's INTERACTIVE memlimit), a fraction of a second on a laptop.</summary>
    public const ulong DefaultMemLimitBytes = 64UL * 1024 * 1024;

    /// <summary>The most memory a wallet file may ask for (1 GiB), so a hostile file cannot exhaust memory.</summary>
    public const ulong MaxMemLimitBytes = 1024UL * 1024 * 1024;

    /// <summary>The most passes a wallet file may ask for, so a hostile file cannot pin a core for minutes.</summary>
    public const ulong MaxOpsLimit = 16;

    /// <summary>Creates parameters with a fresh random salt.</summary>
    /// <param name="opsLimit">The passes.</param>
    /// <param name="memLimitBytes">The memory in bytes.</param>
    /// <returns>The parameters.</returns>
    public static Argon2idParameters CreateNew(ulong opsLimit = DefaultOpsLimit, ulong memLimitBytes = DefaultMemLimitBytes) =>
        new(RandomNumberGenerator.GetBytes(SaltSizeInBytes), opsLimit, memLimitBytes);

    /// <summary>Gets a value saying whether the parameters are within the accepted bounds.</summary>
    public bool IsWithinBounds =>
        Salt.Length == SaltSizeInBytes && OpsLimit is >= 1 and <= MaxOpsLimit && MemLimitBytes is >= 8192 and <= MaxMemLimitBytes;
}
