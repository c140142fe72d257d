using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Testing;

namespace IdentityEhr.Interop.Tests;

/// <summary>Compact JWS and JWE against npm jose 6.2.17 (tests/Interop/jose.mjs), in both directions.</summary>
public sealed class JoseInteropTests
{
    private const string Script = "tests/Interop/jose.mjs";
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes("{\"sub\":\"did:example:synthetic\",\"note\":\"é€😂\"}");

    private static async Task<JsonElement> RunAsync(string mode, JsonObject input) =>
        JsonDocument.Parse(await NodeScript.RunAsync(Script, [mode], input.ToJsonString(), TestContext.Current.CancellationToken)).RootElement.Clone();

    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.P256)]
    public async Task Jws_we_sign_verifies_in_jose(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        var compact = CompactJws.Sign(s_payload, key, "did:example:a#k1", "vc+jwt");

        var result = await RunAsync("jws-verify", new JsonObject { ["jws"] = compact, ["jwk"] = JsonWebKey.ExportPublic(key.PublicKey) });

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(Base64UrlText.Encode(s_payload), result.GetProperty("payloadB64").GetString());
        Assert.Equal("did:example:a#k1", result.GetProperty("header").GetProperty("kid").GetString());
    }

    [Theory]
    [InlineData(KeyType.Ed25519, "EdDSA")]
    [InlineData(KeyType.P256, "ES256")]
    public async Task Jws_jose_signs_verifies_in_ours(KeyType type, string algorithm)
    {
        using var key = PrivateKey.Generate(type);

        var compact = (await RunAsync("jws-sign", new JsonObject
        {
            ["payloadB64"] = Base64UrlText.Encode(s_payload),
            ["jwk"] = JsonWebKey.ExportPrivate(key),
            ["alg"] = algorithm,
            ["kid"] = "did:example:a#k1",
            ["typ"] = "vc+jwt",
        })).GetString();

        Assert.True(CompactJws.TryDecode(compact, out var jws, out var error), error.ToString());
        Assert.Equal(JoseError.None, jws.Verify(key.PublicKey));
        Assert.Equal(s_payload, jws.Payload.ToArray());
    }

    [Fact]
    public async Task Jwe_we_encrypt_decrypts_in_jose()
    {
        using var recipient = PrivateKey.Generate(KeyType.X25519);
        var jwe = CompactJwe.Encrypt(s_payload, recipient.PublicKey, "did:example:b#x1");

        var result = await RunAsync("jwe-decrypt", new JsonObject { ["jwe"] = jwe, ["jwk"] = JsonWebKey.ExportPrivate(recipient) });

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(Base64UrlText.Encode(s_payload), result.GetProperty("plaintextB64").GetString());
    }

    [Fact]
    public async Task Jwe_jose_encrypts_decrypts_in_ours()
    {
        using var recipient = PrivateKey.Generate(KeyType.X25519);

        var jwe = (await RunAsync("jwe-encrypt", new JsonObject
        {
            ["plaintextB64"] = Base64UrlText.Encode(s_payload),
            ["jwk"] = JsonWebKey.ExportPublic(recipient.PublicKey),
            ["kid"] = "did:example:b#x1",
        })).GetString();

        Assert.Equal("did:example:b#x1", CompactJwe.ReadKeyId(jwe));
        Assert.True(CompactJwe.TryDecrypt(jwe, recipient, out var plaintext, out var error), error.ToString());
        Assert.Equal(s_payload, plaintext);
    }

    [Fact]
    public async Task Jose_refuses_what_we_tampered_with()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var compact = CompactJws.Sign(s_payload, key, "did:example:a#k1", null);
        var parts = compact.Split('.');
        parts[1] = Base64UrlText.Encode(Encoding.UTF8.GetBytes("{\"sub\":\"did:example:mallory\"}"));

        var result = await RunAsync("jws-verify", new JsonObject { ["jws"] = string.Join('.', parts), ["jwk"] = JsonWebKey.ExportPublic(key.PublicKey) });

        Assert.Equal("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", result.GetProperty("error").GetString());
    }
}
