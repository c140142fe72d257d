using System.Text.Json;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.Identity.Tests;

public sealed class JsonWebKeyTests
{
    public static TheoryData<KeyType> AllTypes => new(Enum.GetValues<KeyType>());

    private static KeyError ErrorOf(string json)
    {
        _ = JsonWebKey.TryImportPublic(json, out _, out var error);
        return error;
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Public_jwk_round_trips(KeyType type)
    {
        using var key = PrivateKey.Generate(type);

        Assert.True(JsonWebKey.TryImportPublic(JsonWebKey.ExportPublic(key.PublicKey).ToJsonString(), out var parsed, out _));
        Assert.Equal(key.PublicKey, parsed);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Private_jwk_round_trips(KeyType type)
    {
        using var key = PrivateKey.Generate(type);
        using var document = JsonDocument.Parse(JsonWebKey.ExportPrivate(key).ToJsonString());

        Assert.True(JsonWebKey.TryImportPrivate(document.RootElement, out var parsed, out _));
        using (parsed)
        {
            Assert.Equal(key.PublicKey, parsed.PublicKey);
        }
    }

    [Fact]
    public void Rfc8037_example_public_key_is_read()
    {
        // RFC 8037 Appendix A.2.
        Assert.True(JsonWebKey.TryImportPublic("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""", out var key, out _));
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(key.Bytes));
    }

    [Fact]
    public void A_public_jwk_with_d_is_refused()
    {
        Assert.Equal(KeyError.PrivateMemberInPublicJwk, ErrorOf("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"""));
    }

    [Theory]
    [InlineData("""{"kty":"OKP","crv":"Ed25519"}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","y":"AA"}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":42}""")]
    [InlineData("""["kty"]""")]
    [InlineData("""{"kty":"OKP",""")]
    public void A_malformed_jwk_is_refused(string json)
    {
        Assert.Equal(KeyError.MalformedJwk, ErrorOf(json));
    }

    [Theory]
    [InlineData("""{"kty":"RSA","crv":"P-256","x":"AA"}""")]
    [InlineData("""{"kty":"EC","crv":"P-192","x":"AA","y":"AA"}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed448","x":"AA"}""")]
    public void An_unsupported_key_type_is_refused(string json)
    {
        Assert.Equal(KeyError.UnsupportedKeyType, ErrorOf(json));
    }

    [Fact]
    public void An_ec_jwk_with_a_short_coordinate_is_refused()
    {
        Assert.Equal(KeyError.WrongKeyLength, ErrorOf("""{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"}"""));
    }

    [Fact]
    public void An_ec_jwk_off_the_curve_is_refused()
    {
        Assert.Equal(KeyError.InvalidPoint, ErrorOf("""{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIA"}"""));
    }

    [Fact]
    public void A_private_jwk_whose_public_members_do_not_match_d_is_refused()
    {
        using var key = PrivateKey.Generate(KeyType.P256);
        using var other = PrivateKey.Generate(KeyType.P256);
        var jwk = JsonWebKey.ExportPrivate(key);
        jwk["d"] = JsonWebKey.ExportPrivate(other)["d"]!.DeepClone();
        using var document = JsonDocument.Parse(jwk.ToJsonString());

        _ = JsonWebKey.TryImportPrivate(document.RootElement, out _, out var error);

        Assert.Equal(KeyError.InvalidPrivateKey, error);
    }
}
