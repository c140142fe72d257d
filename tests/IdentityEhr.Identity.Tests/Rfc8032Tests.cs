using IdentityEhr.Identity.Keys;
using IdentityEhr.Testing;

namespace IdentityEhr.Identity.Tests;

/// <summary>RFC 8032 §7.1 Ed25519 test vectors (shared/vectors/rfc8032-ed25519.json, transcribed from RFC 8032 via ektrah/nsec).</summary>
public sealed class Rfc8032Tests
{
    public static TheoryData<string> VectorNames()
    {
        using var document = Vectors.ReadJson("rfc8032-ed25519.json");
        return new TheoryData<string>(document.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));
    }

    private static (byte[] Secret, byte[] Public, byte[] Message, byte[] Signature) Vector(string name)
    {
        using var document = Vectors.ReadJson("rfc8032-ed25519.json");
        var v = document.RootElement.GetProperty("vectors").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        byte[] Hex(string member) => Convert.FromHexString(v.GetProperty(member).GetString()!);
        return (Hex("secretKey"), Hex("publicKey"), Hex("message"), Hex("signature"));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Secret_key_derives_the_vector_public_key(string name)
    {
        var (secret, expected, _, _) = Vector(name);
        using var key = PrivateKey.Import(KeyType.Ed25519, secret);

        Assert.Equal(expected, key.PublicKey.Bytes.ToArray());
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Signing_the_message_gives_the_vector_signature(string name)
    {
        var (secret, _, message, expected) = Vector(name);
        using var key = PrivateKey.Import(KeyType.Ed25519, secret);

        Assert.Equal(expected, key.Sign(message));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void The_vector_signature_verifies(string name)
    {
        var (_, publicKey, message, signature) = Vector(name);

        Assert.True(PublicKey.Import(KeyType.Ed25519, publicKey).Verify(message, signature));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void A_signature_with_one_bit_flipped_does_not_verify(string name)
    {
        var (_, publicKey, message, signature) = Vector(name);
        signature[7] ^= 0x01;

        Assert.False(PublicKey.Import(KeyType.Ed25519, publicKey).Verify(message, signature));
    }
}
