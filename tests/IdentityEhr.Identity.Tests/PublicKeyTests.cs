using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Tests;

public sealed class PublicKeyTests
{
    public static TheoryData<KeyType> AllTypes => new(Enum.GetValues<KeyType>());

    public static TheoryData<KeyType> SigningTypes => new(Enum.GetValues<KeyType>().Where(t => t != KeyType.X25519));

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Multikey_round_trips(KeyType type)
    {
        using var key = PrivateKey.Generate(type);

        Assert.True(PublicKey.TryImportMultikey(key.PublicKey.ExportMultikey(), out var parsed, out _));
        Assert.Equal(key.PublicKey, parsed);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Private_multikey_round_trips(KeyType type)
    {
        using var key = PrivateKey.Generate(type);

        Assert.True(PrivateKey.TryImportMultikey(key.ExportMultikey(), out var parsed, out _));
        using (parsed)
        {
            Assert.Equal(key.PublicKey, parsed.PublicKey);
        }
    }

    [Theory]
    [MemberData(nameof(SigningTypes))]
    public void A_signature_verifies_with_the_matching_public_key(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        byte[] message = [1, 2, 3];

        Assert.True(key.PublicKey.Verify(message, key.Sign(message)));
    }

    [Theory]
    [MemberData(nameof(SigningTypes))]
    public void A_signature_does_not_verify_with_another_key(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        using var other = PrivateKey.Generate(type);
        byte[] message = [1, 2, 3];

        Assert.False(other.PublicKey.Verify(message, key.Sign(message)));
    }

    [Theory]
    [MemberData(nameof(SigningTypes))]
    public void A_signature_over_other_data_does_not_verify(KeyType type)
    {
        using var key = PrivateKey.Generate(type);

        Assert.False(key.PublicKey.Verify([1, 2, 4], key.Sign([1, 2, 3])));
    }

    [Fact]
    public void Secp256k1_refuses_a_high_s_twin_of_a_valid_signature()
    {
        using var key = PrivateKey.Generate(KeyType.Secp256k1);
        var signature = key.Sign([9]);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var highS = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var twin = signature[..32].Concat(new byte[32 - highS.Length]).Concat(highS).ToArray();

        Assert.False(key.PublicKey.Verify([9], twin));
    }

    [Fact]
    public void X25519_keys_agree_on_one_secret()
    {
        using var alice = PrivateKey.Generate(KeyType.X25519);
        using var bob = PrivateKey.Generate(KeyType.X25519);

        Assert.Equal(Convert.ToHexString(alice.AgreeWith(bob.PublicKey)), Convert.ToHexString(bob.AgreeWith(alice.PublicKey)));
    }

    [Fact]
    public void X25519_refuses_a_small_order_peer()
    {
        using var key = PrivateKey.Generate(KeyType.X25519);
        var zero = PublicKey.Import(KeyType.X25519, new byte[32]);

        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => key.AgreeWith(zero));
    }

    [Fact]
    public void Ed25519_to_X25519_maps_the_private_and_public_keys_alike()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        using var x25519 = key.ToX25519();

        Assert.Equal(x25519.PublicKey, key.PublicKey.ToX25519());
    }

    [Theory]
    [InlineData("f6Mk")]
    [InlineData("u7QE")]
    public void TryImportMultikey_refuses_other_bases(string text)
    {
        _ = PublicKey.TryImportMultikey(text, out _, out var error);

        Assert.Equal(KeyError.UnsupportedMultibase, error);
    }

    [Theory]
    [InlineData("z")]
    [InlineData("z0OIl")]
    [InlineData("z6Mk+")]
    public void TryImportMultikey_refuses_malformed_base58(string text)
    {
        _ = PublicKey.TryImportMultikey(text, out _, out var error);

        Assert.Equal(KeyError.MalformedMultibase, error);
    }

    [Fact]
    public void TryImportMultikey_refuses_an_unknown_codec()
    {
        var text = Multibase.EncodeBase58Btc(Multicodec.Prefix(0x1205, new byte[33])); // rsa-pub

        _ = PublicKey.TryImportMultikey(text, out _, out var error);

        Assert.Equal(KeyError.UnsupportedKeyType, error);
    }

    [Fact]
    public void TryImportMultikey_refuses_a_private_key_codec()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);

        _ = PublicKey.TryImportMultikey(key.ExportMultikey(), out _, out var error);

        Assert.Equal(KeyError.WrongKeyKind, error);
    }

    [Fact]
    public void TryImportMultikey_refuses_a_non_minimal_varint()
    {
        var text = Multibase.EncodeBase58Btc([0xed, 0x81, 0x00, .. new byte[32]]);

        _ = PublicKey.TryImportMultikey(text, out _, out var error);

        Assert.Equal(KeyError.MalformedMulticodec, error);
    }

    [Theory]
    [InlineData(0xedUL, 31)]
    [InlineData(0xedUL, 33)]
    [InlineData(0xe7UL, 65)]
    [InlineData(0x1200UL, 32)]
    public void TryImportMultikey_refuses_the_wrong_length(ulong codec, int length)
    {
        var text = Multibase.EncodeBase58Btc(Multicodec.Prefix(codec, new byte[length]));

        _ = PublicKey.TryImportMultikey(text, out _, out var error);

        Assert.Equal(KeyError.WrongKeyLength, error);
    }

    [Theory]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.P256)]
    [InlineData(KeyType.P384)]
    public void TryImport_refuses_a_point_off_the_curve(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        var (x, y) = key.PublicKey.ExportCoordinates();
        y[^1] ^= 1;

        _ = PublicKey.TryImport(type, [0x04, .. x, .. y], out _, out var error);

        Assert.Equal(KeyError.InvalidPoint, error);
    }

    [Fact]
    public void TryImport_refuses_a_compressed_x_with_no_point_on_the_curve()
    {
        // x = 1 is not the x-coordinate of any P-256 point (1 − 3 + b is not a square mod p).
        byte[] compressed = [0x02, .. new byte[31], 1];

        _ = PublicKey.TryImport(KeyType.P256, compressed, out _, out var error);

        Assert.Equal(KeyError.InvalidPoint, error);
    }

    [Fact]
    public void TryImport_refuses_an_ed25519_small_order_point()
    {
        // The identity point (y = 1) is of small order.
        byte[] identity = [1, .. new byte[31]];

        _ = PublicKey.TryImport(KeyType.Ed25519, identity, out _, out var error);

        Assert.Equal(KeyError.InvalidPoint, error);
    }

    [Fact]
    public void TryImport_refuses_a_secp256k1_private_key_of_zero()
    {
        _ = PrivateKey.TryImport(KeyType.Secp256k1, new byte[32], out _, out var error);

        Assert.Equal(KeyError.InvalidPrivateKey, error);
    }

    [Fact]
    public void A_disposed_private_key_refuses_to_sign()
    {
        var key = PrivateKey.Generate(KeyType.Ed25519);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign([1]));
    }

    [Fact]
    public void ToString_of_a_private_key_shows_no_secret()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);

        Assert.DoesNotContain(key.ExportMultikey(), key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_3_non_ascii_base58_is_refused_not_thrown()
    {
        // Found by the property tests: SimpleBase's TryDecode threw IndexOutOfRangeException on this input.
        _ = PublicKey.TryImportMultikey("zC\u007f=:#l4BjH\u0015s\u0002^Lhc", out _, out var error);

        Assert.Equal(KeyError.MalformedMultibase, error);
    }
}
