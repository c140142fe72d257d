using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.Tests;

/// <summary>Compact JWS and JWE: round trips, the header rules, algorithm confusion, tampering.</summary>
public sealed class JoseTests
{
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes("{\"iss\":\"did:example:synthetic\",\"n\":1}");

    private static string Header(string json) => Base64UrlText.Encode(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData(KeyType.Ed25519, "EdDSA")]
    [InlineData(KeyType.Secp256k1, "ES256K")]
    [InlineData(KeyType.P256, "ES256")]
    public void Signed_payloads_verify_with_their_key_and_algorithm(KeyType type, string algorithm)
    {
        using var key = PrivateKey.Generate(type);
        var compact = CompactJws.Sign(s_payload, key, "did:example:a#k1", "vc+jwt");

        Assert.True(CompactJws.TryDecode(compact, out var jws, out var error), error.ToString());
        Assert.Equal((algorithm, "did:example:a#k1", "vc+jwt"), (jws.Algorithm, jws.KeyId, jws.Type));
        Assert.Equal(s_payload, jws.Payload.ToArray());
        Assert.Equal(JoseError.None, jws.Verify(key.PublicKey));
    }

    [Fact]
    public void A_key_of_another_algorithm_is_a_mismatch_not_a_verification()
    {
        using var ed = PrivateKey.Generate(KeyType.Ed25519);
        using var p256 = PrivateKey.Generate(KeyType.P256);
        Assert.True(CompactJws.TryDecode(CompactJws.Sign(s_payload, ed, "k", null), out var jws, out _));

        Assert.Equal(JoseError.AlgorithmKeyMismatch, jws.Verify(p256.PublicKey));
    }

    [Theory]
    [InlineData("{\"alg\":\"none\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"HS256\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"RS256\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"eddsa\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"kid\":\"k\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"EdDSA\",\"crit\":[\"exp\"]}", JoseError.ForbiddenHeader)]
    [InlineData("{\"alg\":\"EdDSA\",\"b64\":false}", JoseError.ForbiddenHeader)]
    [InlineData("{\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\"}}", JoseError.ForbiddenHeader)]
    [InlineData("{\"alg\":\"EdDSA\",\"jku\":\"https://evil.example/keys\"}", JoseError.ForbiddenHeader)]
    [InlineData("{\"alg\":\"EdDSA\",\"alg\":\"none\"}", JoseError.MalformedHeader)]
    [InlineData("{\"alg\":\"EdDSA\",\"kid\":7}", JoseError.MalformedHeader)]
    [InlineData("[\"EdDSA\"]", JoseError.MalformedHeader)]
    [InlineData("not json", JoseError.MalformedHeader)]
    public void Header_rules_are_enforced(string header, JoseError expected)
    {
        var compact = $"{Header(header)}.{Base64UrlText.Encode(s_payload)}.{Base64UrlText.Encode(new byte[64])}";

        Assert.False(CompactJws.TryDecode(compact, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData(".e30.AA")]
    [InlineData("eyJhbGciOiJFZERTQSJ9.e30=.AA")]
    [InlineData("eyJhbGciOiJFZERTQSJ9.e30.")]
    [InlineData("eyJhbGciOiJFZERTQSJ9 .e30.AA")]
    public void Malformed_compact_forms_are_refused(string compact)
    {
        Assert.False(CompactJws.TryDecode(compact, out _, out var error));
        Assert.Equal(JoseError.MalformedCompact, error);
    }

    [Fact]
    public void Oversized_input_is_refused_before_decoding()
    {
        Assert.False(CompactJws.TryDecode(new string('A', CompactJws.MaxLength + 1), out _, out var error));
        Assert.Equal(JoseError.TooLarge, error);
    }

    [Fact]
    public void Any_flipped_bit_in_a_jws_fails()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var compact = CompactJws.Sign(s_payload, key, "did:example:a#k1", "vc+jwt");
        Prop.ForAll(Arb.From(Gen.Choose(0, compact.Length - 1)), Arb.From(Gen.Choose(0, 6)), (index, bit) =>
        {
            var chars = compact.ToCharArray();
            chars[index] = (char)(chars[index] ^ (1 << bit));
            var tampered = new string(chars);
            return tampered == compact || !CompactJws.TryDecode(tampered, out var jws, out _) || jws.Verify(key.PublicKey) != JoseError.None;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3_000).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Jwe_round_trips_to_the_recipient_only()
    {
        using var recipient = PrivateKey.Generate(KeyType.X25519);
        using var other = PrivateKey.Generate(KeyType.X25519);
        var jwe = CompactJwe.Encrypt(s_payload, recipient.PublicKey, "did:example:b#x1", "application/octet-stream");

        Assert.Equal("did:example:b#x1", CompactJwe.ReadKeyId(jwe));
        Assert.True(CompactJwe.TryDecrypt(jwe, recipient, out var plaintext, out var error), error.ToString());
        Assert.Equal(s_payload, plaintext);
        Assert.False(CompactJwe.TryDecrypt(jwe, other, out _, out var wrongKey));
        Assert.Equal(JoseError.DecryptionFailed, wrongKey);
    }

    [Fact]
    public void Any_flipped_bit_in_a_jwe_fails()
    {
        using var recipient = PrivateKey.Generate(KeyType.X25519);
        var jwe = CompactJwe.Encrypt(s_payload, recipient.PublicKey, "did:example:b#x1");
        Prop.ForAll(Arb.From(Gen.Choose(0, jwe.Length - 1)), Arb.From(Gen.Choose(0, 6)), (index, bit) =>
        {
            var chars = jwe.ToCharArray();
            chars[index] = (char)(chars[index] ^ (1 << bit));
            return !CompactJwe.TryDecrypt(new string(chars), recipient, out _, out _);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true));
    }

    [Theory]
    [InlineData("{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"RSA1_5\",\"enc\":\"A256GCM\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A128CBC-HS256\"}", JoseError.UnsupportedAlgorithm)]
    [InlineData("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"zip\":\"DEF\"}", JoseError.ForbiddenHeader)]
    [InlineData("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\"}", JoseError.InvalidEphemeralKey)]
    [InlineData("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\"}}", JoseError.InvalidEphemeralKey)]
    [InlineData("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"epk\":{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}", JoseError.InvalidEphemeralKey)]
    public void Jwe_header_rules_are_enforced(string header, JoseError expected)
    {
        using var recipient = PrivateKey.Generate(KeyType.X25519);
        var parts = CompactJwe.Encrypt(s_payload, recipient.PublicKey, null).Split('.');
        parts[0] = Header(header);

        Assert.False(CompactJwe.TryDecrypt(string.Join('.', parts), recipient, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Aes_key_wrap_matches_rfc_3394_test_vector_4_6()
    {
        // RFC 3394 §4.6: 256 bits of key data with a 256-bit KEK.
        var kek = Convert.FromHexString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        var key = Convert.FromHexString("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        var expected = Convert.FromHexString("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");

        Assert.Equal(expected, AesKeyWrap.Wrap(kek, key));
        Assert.True(AesKeyWrap.TryUnwrap(kek, expected, out var unwrapped));
        Assert.Equal(key, unwrapped);
        expected[^1] ^= 1;
        Assert.False(AesKeyWrap.TryUnwrap(kek, expected, out _));
    }

    [Fact]
    public void The_aes_ni_key_wrap_gives_the_portable_wrap_s_bytes()
    {
        // Both paths against the RFC 3394 §4.6 vector, then against each other on many random keys and lengths. Where the
        // processor has no AES-NI only the portable path exists, and the comparison checks the dispatching entry against it.
        var fast = System.Runtime.Intrinsics.X86.Aes.IsSupported;
        var kek46 = Convert.FromHexString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        var key46 = Convert.FromHexString("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        var expected = Convert.FromHexString("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
        Assert.Equal(expected, AesKeyWrap.Wrap(kek46, key46, aesNi: false));
        Assert.Equal(expected, AesKeyWrap.Wrap(kek46, key46, aesNi: fast));
        Prop.ForAll(Arb.From(Gen.Choose(2, 8)), Arb.From(Gen.Choose(0, int.MaxValue)), (blocks, seed) =>
        {
            var random = new Random(seed);
            var kek = new byte[32];
            var key = new byte[blocks * 8];
            random.NextBytes(kek);
            random.NextBytes(key);
            return AesKeyWrap.Wrap(kek, key, aesNi: fast).AsSpan().SequenceEqual(AesKeyWrap.Wrap(kek, key, aesNi: false))
                && AesKeyWrap.TryUnwrap(kek, AesKeyWrap.Wrap(kek, key), out var back) && back.AsSpan().SequenceEqual(key);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Signing_with_a_key_without_a_jws_algorithm_is_refused()
    {
        using var x = PrivateKey.Generate(KeyType.X25519);

        Assert.Throws<ArgumentException>(() => CompactJws.Sign(s_payload, x, "k", null));
    }
}
