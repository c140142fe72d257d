using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace IdentityEhr.Credentials.Jose;

/// <summary>
/// AES-256 on AES-NI for the key wrap's single blocks: the key schedule (FIPS 197 §5.2, with AESKEYGENASSIST) and one-block
/// encryption (AESENC ×13, AESENCLAST). Only called where <see cref="X86Aes.IsSupported"/>.
/// </summary>
internal static class AesNi256
{
    /// <summary>Expands a 256-bit key into its 15 round keys; the caller clears them.</summary>
    public static Vector128<byte>[] Expand(ReadOnlySpan<byte> kek)
    {
        var schedule = new Vector128<byte>[15];
        var t1 = Vector128.Create(kek[..16]);
        var t3 = Vector128.Create(kek[16..32]);
        schedule[0] = t1;
        schedule[1] = t3;
        ReadOnlySpan<byte> rcon = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40];
        for (var i = 0; i < 7; i++)
        {
            t1 = Mix(t1, X86Sse2.Shuffle(KeygenAssist(t3, rcon[i]).AsInt32(), 0xFF).AsByte());
            schedule[2 + (2 * i)] = t1;
            if (i < 6)
            {
                t3 = Mix(t3, X86Sse2.Shuffle(X86Aes.KeygenAssist(t1, 0x00).AsInt32(), 0xAA).AsByte());
                schedule[3 + (2 * i)] = t3;
            }
        }

        return schedule;
    }

    /// <summary>Encrypts one 16-byte block in place.</summary>
    public static void Encrypt(Vector128<byte>[] schedule, Span<byte> block)
    {
        var state = Vector128.Create((ReadOnlySpan<byte>)block) ^ schedule[0];
        for (var round = 1; round < 14; round++)
        {
            state = X86Aes.Encrypt(state, schedule[round]);
        }

        X86Aes.EncryptLast(state, schedule[14]).CopyTo(block);
    }

    // AESKEYGENASSIST takes its round constant as an immediate: one call site per value.
    private static Vector128<byte> KeygenAssist(Vector128<byte> v, byte rcon) => rcon switch
    {
        0x01 => X86Aes.KeygenAssist(v, 0x01),
        0x02 => X86Aes.KeygenAssist(v, 0x02),
        0x04 => X86Aes.KeygenAssist(v, 0x04),
        0x08 => X86Aes.KeygenAssist(v, 0x08),
        0x10 => X86Aes.KeygenAssist(v, 0x10),
        0x20 => X86Aes.KeygenAssist(v, 0x20),
        _ => X86Aes.KeygenAssist(v, 0x40),
    };

    /// <summary>w[i] = w[i-Nk] ^ f(...), four words at once: the prefix XOR of the previous round key, then the assist word.</summary>
    private static Vector128<byte> Mix(Vector128<byte> previous, Vector128<byte> assist)
    {
        var t = X86Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= t;
        t = X86Sse2.ShiftLeftLogical128BitLane(t, 4);
        previous ^= t;
        t = X86Sse2.ShiftLeftLogical128BitLane(t, 4);
        return previous ^ t ^ assist;
    }
}
