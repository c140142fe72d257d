using IdentityEhr.Ethereum.Crypto;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>generated/secp256k1-generated.json: RFC 6979 low-s signatures, recovery and personal_sign made with ethers 6.17.0.</summary>
public sealed class Secp256k1Tests
{
    public static TheoryData<int, int> Signatures()
    {
        var data = new TheoryData<int, int>();
        var keys = Read("generated/secp256k1-generated.json").GetProperty("keys");
        for (var k = 0; k < keys.GetArrayLength(); k++)
        {
            for (var s = 0; s < keys[k].GetProperty("signatures").GetArrayLength(); s++)
            {
                data.Add(k, s);
            }
        }

        return data;
    }

    public static TheoryData<int> Keys() => new(Enumerable.Range(0, Read("generated/secp256k1-generated.json").GetProperty("keys").GetArrayLength()));

    private static (System.Text.Json.JsonElement Key, System.Text.Json.JsonElement Signature) Vector(int k, int s)
    {
        var key = Read("generated/secp256k1-generated.json").GetProperty("keys")[k];
        return (key, key.GetProperty("signatures")[s]);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Private_key_derives_the_vector_public_keys(int k)
    {
        var key = Read("generated/secp256k1-generated.json").GetProperty("keys")[k];
        var compressed = Secp256k1.DerivePublicKey(Hex(key, "privateKey"));
        Assert.True(Secp256k1.TryDecompress(compressed, out var uncompressed));

        Assert.Equal(
            (Convert.ToHexString(Hex(key, "publicKeyCompressed")), Convert.ToHexString(Hex(key, "publicKeyUncompressed"))),
            (Convert.ToHexString(compressed), Convert.ToHexString(uncompressed)));
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Signing_gives_the_vector_r_s_and_parity(int k, int s)
    {
        var (key, signature) = Vector(k, s);

        var result = Secp256k1.SignRecoverable(Hex(signature, "digest"), Hex(key, "privateKey"));

        Assert.Equal(Convert.ToHexString([.. Hex(signature, "r"), .. Hex(signature, "s"), (byte)signature.GetProperty("yParity").GetInt32()]), Convert.ToHexString(result));
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Recovery_gives_the_vector_address(int k, int s)
    {
        var (_, signature) = Vector(k, s);

        Assert.True(Secp256k1.TryRecover(Hex(signature, "digest"), [.. Hex(signature, "r"), .. Hex(signature, "s")], signature.GetProperty("yParity").GetInt32(), out var publicKey));
        Assert.Equal(signature.GetProperty("recoveredAddress").GetString(), Address.FromPublicKey(publicKey).ToChecksumString());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Personal_sign_gives_the_vector_hash_and_signature(int k)
    {
        var key = Read("generated/secp256k1-generated.json").GetProperty("keys")[k];
        var personal = key.GetProperty("personalSign");
        var hash = PersonalMessage.Hash(System.Text.Encoding.UTF8.GetBytes(personal.GetProperty("message").GetString()!));

        var signature = Secp256k1.SignRecoverable(hash, Hex(key, "privateKey"));

        Assert.Equal(
            (Convert.ToHexString(Hex(personal, "hash")), Convert.ToHexString(Hex(personal, "compact65"))),
            (Convert.ToHexString(hash), Convert.ToHexString([.. signature[..64], (byte)(signature[64] + 27)])));
    }

    [Fact]
    public void A_high_s_signature_is_refused_by_verify_and_recover()
    {
        var example = Read("generated/secp256k1-generated.json").GetProperty("highSExample");
        var digest = Hex(example, "digest");
        var publicKey = Secp256k1.DerivePublicKey(Hex(example, "fromKey"));
        var r = Secp256k1.Sign(digest, Hex(example, "fromKey"))[..32];
        byte[] highS = [.. r, .. Hex(example, "highS")];

        Assert.Equal((false, false), (Secp256k1.Verify(digest, highS, publicKey), Secp256k1.TryRecover(digest, highS, example.GetProperty("highSyParity").GetInt32(), out _)));
    }

    [Fact]
    public void Recovery_with_the_wrong_parity_gives_another_key()
    {
        var (key, signature) = Vector(0, 0);
        var wrong = 1 - signature.GetProperty("yParity").GetInt32();

        var recovered = Secp256k1.TryRecover(Hex(signature, "digest"), [.. Hex(signature, "r"), .. Hex(signature, "s")], wrong, out var publicKey);

        Assert.True(!recovered || Address.FromPublicKey(publicKey).ToChecksumString() != key.GetProperty("address").GetString());
    }
}
