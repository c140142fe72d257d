using System.Diagnostics.CodeAnalysis;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Keys;

/// <summary>Parsing of Multikey public keys: the syntax stage, before the point itself is checked.</summary>
/// <remarks>
/// Controlled Identifiers 1.0 §2.2.2 (Multikey): <c>z</c> + base58btc(unsigned-varint multicodec ‖ key). Parsing checks everything
/// that can be checked without curve arithmetic: the base, the alphabet, a minimal varint naming a supported public-key codec, the
/// exact length, and a canonical encoding (Ed25519 y &lt; 2²⁵⁵−19; SEC 1 prefix 02/03 and x below the field prime).
/// <see cref="PublicKey.TryImportMultikey"/> adds the point check.
/// </remarks>
public static class Multikey
{
    /// <summary>Parses a Multikey public key into its type and canonical bytes.</summary>
    /// <param name="text">The Multikey text.</param>
    /// <param name="type">The key type when the text is valid.</param>
    /// <param name="keyBytes">The key bytes (raw, or SEC 1 compressed) when the text is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the text is a well-formed Multikey public key; otherwise <see langword="false"/>.</returns>
    public static bool TryParsePublic(ReadOnlySpan<char> text, out KeyType type, [NotNullWhen(true)] out byte[]? keyBytes, out KeyError error)
    {
        type = default;
        keyBytes = null;
        if (text.Length < 2 || text[0] != Multibase.Base58BtcPrefix)
        {
            error = text.Length >= 1 && text[0] != Multibase.Base58BtcPrefix ? KeyError.UnsupportedMultibase : KeyError.MalformedMultibase;
            return false;
        }

        if (!Multibase.TryDecodeBase58(text[1..], out var bytes))
        {
            error = KeyError.MalformedMultibase;
            return false;
        }

        if (!Multicodec.TryReadHeader(bytes, out var codec, out var headerLength))
        {
            error = KeyError.MalformedMulticodec;
            return false;
        }

        if (KeyTypeInfo.ByPublicCodec(codec) is not { } info)
        {
            error = KeyTypeInfo.ByPrivateCodec(codec) is null ? KeyError.UnsupportedKeyType : KeyError.WrongKeyKind;
            return false;
        }

        var raw = bytes.AsSpan(headerLength);
        if (raw.Length != info.PublicKeySize)
        {
            // Multikey carries EC keys compressed only; anything else is the wrong length for the type.
            error = KeyError.WrongKeyLength;
            return false;
        }

        if (!IsCanonical(info, raw))
        {
            error = KeyError.InvalidPoint;
            return false;
        }

        type = info.Type;
        keyBytes = raw.ToArray();
        error = KeyError.None;
        return true;
    }

    /// <summary>Checks the encoding is the one canonical spelling of its value (no curve arithmetic).</summary>
    internal static bool IsCanonical(KeyTypeInfo info, ReadOnlySpan<byte> raw)
    {
        switch (info.Type)
        {
            case KeyType.Ed25519:
                // y (little-endian, sign bit cleared) must be below p = 2²⁵⁵ − 19 (RFC 8032 §5.1.3).
                if ((raw[31] & 0x7f) != 0x7f || raw[0] < 0xed)
                {
                    return true;
                }

                for (var i = 1; i < 31; i++)
                {
                    if (raw[i] != 0xff)
                    {
                        return true;
                    }
                }

                return false;
            case KeyType.X25519:
                return true;
            default:
                return raw[0] is 0x02 or 0x03 && FieldElementBelowPrime(info, raw[1..]);
        }
    }

    private static bool FieldElementBelowPrime(KeyTypeInfo info, ReadOnlySpan<byte> x)
    {
        ReadOnlySpan<byte> prime = info.Type switch
        {
            KeyType.Secp256k1 => Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"),
            KeyType.P256 => Convert.FromHexString("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"),
            KeyType.P384 => Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF"),
            _ => Convert.FromHexString("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
        };
        return x.SequenceCompareTo(prime) < 0;
    }
}
