using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Credentials.Tests;

/// <summary><c>vc+jwt</c> / <c>vp+jwt</c>: the key is found only through <c>kid</c> in the issuer's DID document, under the right relationship.</summary>
public sealed class JoseCredentialsTests : IDisposable
{
    private readonly ConsentScenario _s = new();

    public void Dispose() => _s.Dispose();

    private Task<JoseVerification> VerifyAsync(string jwt, VerificationRelationship relationship = VerificationRelationship.AssertionMethod) =>
        JoseCredentials.VerifyAsync(jwt, relationship, _s.Resolver, TestContext.Current.CancellationToken).AsTask();

    [Fact]
    public async Task A_consent_secured_as_vc_jwt_verifies_and_reads_back()
    {
        var jwt = JoseCredentials.SignCredential(_s.UnsignedConsent(), _s.Patient, ConsentScenario.MethodOf(_s.Patient));

        var verification = await VerifyAsync(jwt);

        Assert.True(verification.Verified, verification.Error.ToString());
        Assert.Equal(_s.PatientDid, verification.Signer);
        Assert.True(VerifiableCredential.TryRead(verification.Document!.Value, out var credential, out _));
        Assert.True(Consent.ConsentCredential.TryRead(credential, out _, out var error), error.ToString());
        Assert.Equal(ConsentScenario.Now.AddDays(30).ToUnixTimeSeconds(), verification.Claims!.Value.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task A_key_outside_the_relationship_is_refused()
    {
        var jwt = JoseCredentials.SignCredential(_s.UnsignedConsent(), _s.Patient, ConsentScenario.KeyAgreementMethodOf(_s.Patient));

        Assert.Equal(JoseError.KeyNotAuthorized, (await VerifyAsync(jwt)).Error);
    }

    [Fact]
    public async Task A_kid_of_another_did_than_iss_is_refused()
    {
        var jwt = JoseCredentials.SignCredential(_s.UnsignedConsent(), _s.Provider, ConsentScenario.MethodOf(_s.Provider));

        Assert.Equal(JoseError.MalformedHeader, (await VerifyAsync(jwt)).Error);
    }

    [Fact]
    public async Task A_changed_claim_fails_the_signature()
    {
        var parts = JoseCredentials.SignCredential(_s.UnsignedConsent(), _s.Patient, ConsentScenario.MethodOf(_s.Patient)).Split('.');
        var claims = JsonNode.Parse(Base64UrlText.TryDecode(parts[1], out var bytes) ? Encoding.UTF8.GetString(bytes) : "{}")!.AsObject();
        claims["exp"] = ConsentScenario.Now.AddYears(10).ToUnixTimeSeconds();
        parts[1] = Base64UrlText.Encode(JsonSerializer.SerializeToUtf8Bytes(claims));

        Assert.Equal(JoseError.SignatureInvalid, (await VerifyAsync(string.Join('.', parts))).Error);
    }

    [Fact]
    public async Task Presentations_verify_under_authentication_with_nonce_and_audience()
    {
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = _s.ProviderDid.ToString(),
        };
        var jwt = JoseCredentials.SignPresentation(presentation, _s.Provider, ConsentScenario.MethodOf(_s.Provider), "c-1", ConsentScenario.Domain);

        var verification = await VerifyAsync(jwt, VerificationRelationship.Authentication);

        Assert.True(verification.Verified);
        Assert.Equal(("c-1", ConsentScenario.Domain), (verification.Claims!.Value.GetProperty("nonce").GetString(), verification.Claims!.Value.GetProperty("aud").GetString()));
    }

    [Theory]
    [InlineData("{\"iss\":\"did:example:a\",\"vc\":{\"type\":[\"VerifiableCredential\"]},\"nbf\":99999999999999}")]
    [InlineData("[1]")]
    [InlineData("not json")]
    public async Task Hostile_payloads_are_refused_without_throwing(string payload)
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var jwt = CompactJws.Sign(Encoding.UTF8.GetBytes(payload), key, $"{DidKey.Create(key.PublicKey)}#{key.PublicKey.ExportMultikey()}", "vc+jwt");

        Assert.False((await VerifyAsync(jwt)).Verified);
    }
}
