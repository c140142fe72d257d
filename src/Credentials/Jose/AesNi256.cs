using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace IdentityEhr.Credentials.Jose;

/// <summary>
/// RFC 3394 key wrap with a 256-bit KEK on AES-NI: the AES-256 key schedule (FIPS 197 §5.2, with AESKEYGENASSIST) and single-block
/// encryption (AESENC ×13, AESENCLAST). Only called where <see cref="X86Aes.IsSupported"/>.
/// </summary>
internal static class AesNi256
{
    private const ulong DefaultIv = 0xA6A6A6A6A6A6A6A6;

    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> key)
    {
        Span<Vector128<byte>> schedule = stackalloc Vector128<byte>[15];
        Expand(kek, schedule);
        var n = key.Length / 8;
        var r = key.ToArray();
        var a = DefaultIv;
        Span<byte> block = stackalloc byte[16];
        try
        {
            for (var j = 0; j < 6; j++)
            {
                for (var i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(block, a);
                    r.AsSpan(i * 8, 8).CopyTo(block[8..]);
                    Encrypt(schedule, block);
                    a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ (ulong)((n * j) + i + 1);
                    block[8..].CopyTo(r.AsSpan(i * 8, 8));
                }
            }

            var wrapped = new byte[key.Length + 8];
            BinaryPrimitives.WriteUInt64BigEndian(wrapped, a);
            r.CopyTo(wrapped, 8);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(block);
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(schedule).Clear();
        }
    }

    private static void Encrypt(ReadOnlySpan<Vector128<byte>> schedule, Span<byte> block)
    {
        var state = Vector128.Create((ReadOnlySpan<byte>)block) ^ schedule[0];
        for (var round = 1; round < 14; round++)
        {
            state = X86Aes.Encrypt(state, schedule[round]);
        }

        X86Aes.EncryptLast(state, schedule[14]).CopyTo(block);
    }

    private static void Expand(ReadOnlySpan<byte> kek, Span<Vector128<byte>> schedule)
    {
        var t1 = Vector128.Create(kek[..16]);
        var t3 = Vector128.Create(kek[16..32]);
        schedule[0] = t1;
        schedule[1] = t3;
        ReadOnlySpan<byte> rcon = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40];
        for (var i = 0; i < 7; i++)
        {
            t1 = Mix(t1, Broadcast(KeygenAssist(t3, rcon[i]), 0xFF));
            schedule[2 + (2 * i)] = t1;
            if (i < 6)
            {
                t3 = Mix(t3, Broadcast(KeygenAssist(t1, 0x00), 0xAA));
                schedule[3 + (2 * i)] = t3;
            }
        }
    }

    // AESKEYGENASSIST needs a constant round constant: one call site per value.
    private static Vector128<byte> KeygenAssist(Vector128<byte> v, byte rcon) => rcon switch
    {
        0x00 => X86Aes.KeygenAssist(v, 0x00),
        0x01 => X86Aes.KeygenAssist(v, 0x01),
        0x02 => X86Aes.KeygenAssist(v, 0x02),
        0x04 => X86Aes.KeygenAssist(v, 0x04),
        0x08 => X86Aes.KeygenAssist(v, 0x08),
        0x10 => X86Aes.KeygenAssist(v, 0x10),
        0x20 => X86Aes.KeygenAssist(v, 0x20),
        _ => X86Aes.KeygenAssist(v, 0x40),
    };

    private static Vector128<byte> Broadcast(Vector128<byte> v, byte control) =>
        control == 0xFF ? X86Sse2.Shuffle(v.AsInt32(), 0xFF).AsByte() : X86Sse2.Shuffle(v.AsInt32(), 0xAA).AsByte();

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
