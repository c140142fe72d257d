using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Credentials.Tests;

/// <summary>Request proofs: each check in its order, and no edit of a proof ever passes (did:key callers, resolved offline).</summary>
public sealed class RequestProofTests : IDisposable
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Uri s_url = new("http://127.0.0.1:5080/records?patient=did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG");
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("{\"resourceType\":\"Observation\"}");
    private readonly PrivateKey _caller = PrivateKey.Generate(KeyType.Ed25519);
    private readonly DidResolver _resolver = new([new DidKey()], new FixedTimeProvider(s_now));

    private string KeyId => $"{DidKey.Create(_caller.PublicKey)}#{_caller.PublicKey.ExportMultikey()}";

    public void Dispose() => _caller.Dispose();

    private Task<RequestProofResult> VerifyAsync(string? proof, string method = "POST", Uri? url = null, byte[]? body = null, DateTimeOffset? now = null) =>
        RequestProof.VerifyAsync(proof, method, url ?? s_url, RequestProof.BodyHash(body ?? s_body), now ?? s_now, _resolver, TestContext.Current.CancellationToken).AsTask();

    private string Signed(object claims, string? type = RequestProof.MediaType, string? keyId = null) =>
        CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), _caller, keyId ?? KeyId, type);

    [Fact]
    public async Task A_proof_holds_for_its_request_and_names_the_caller()
    {
        var result = await VerifyAsync(RequestProof.Create(_caller, KeyId, "POST", s_url, s_body, s_now));

        Assert.Equal(RequestProofError.None, result.Error);
        Assert.Equal(DidKey.Create(_caller.PublicKey), result.Caller);
        Assert.Equal(s_now, result.IssuedAt);
        Assert.InRange(result.Id!.Length, 16, 128);
    }

    [Fact]
    public async Task Each_check_refuses_with_its_own_error()
    {
        var proof = RequestProof.Create(_caller, KeyId, "POST", s_url, s_body, s_now);
        var claims = new { iss = DidKey.Create(_caller.PublicKey).ToString(), htm = "POST", htu = RequestProof.Target(s_url), htb = RequestProof.BodyHash(s_body), iat = s_now.ToUnixTimeSeconds(), jti = "0123456789abcdef" };
        var keyAgreement = $"{DidKey.Create(_caller.PublicKey)}#{_caller.PublicKey.ToX25519().ExportMultikey()}";
        using var other = PrivateKey.Generate(KeyType.Ed25519);
        var cases = new (Task<RequestProofResult> Result, RequestProofError Expected)[]
        {
            (VerifyAsync(null), RequestProofError.Missing),
            (VerifyAsync(""), RequestProofError.Missing),
            (VerifyAsync("a.b"), RequestProofError.Malformed),
            (VerifyAsync(Signed(claims, type: "JWT")), RequestProofError.WrongType),
            (VerifyAsync(Signed(claims, type: null)), RequestProofError.WrongType),
            (VerifyAsync(Signed(new { claims.iss, claims.htm, claims.htu, claims.htb, claims.iat })), RequestProofError.Malformed),
            (VerifyAsync(Signed(claims with { jti = "short" })), RequestProofError.Malformed),
            (VerifyAsync(Signed(new { claims.iss, claims.htm, claims.htu, htb = "x", claims.iat, claims.jti })), RequestProofError.Malformed),
            (VerifyAsync(Signed(claims, keyId: keyAgreement)), RequestProofError.KeyNotAuthorized),
            (VerifyAsync(CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), other, KeyId, RequestProof.MediaType)), RequestProofError.SignatureInvalid),
            (VerifyAsync(proof, now: s_now.AddSeconds(61)), RequestProofError.Expired),
            (VerifyAsync(proof, now: s_now.AddSeconds(-61)), RequestProofError.NotYetValid),
            (VerifyAsync(proof, method: "PUT"), RequestProofError.WrongRequest),
            (VerifyAsync(proof, url: new Uri("http://127.0.0.1:5080/records?patient=did:key:other")), RequestProofError.WrongRequest),
            (VerifyAsync(proof, url: new Uri("http://127.0.0.2:5080/records?patient=did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG")), RequestProofError.WrongRequest),
            (VerifyAsync(proof, body: [.. s_body, (byte)' ']), RequestProofError.WrongBody),
            (VerifyAsync(proof, body: []), RequestProofError.WrongBody),
        };

        foreach (var (result, expected) in cases)
        {
            Assert.Equal(expected, (await result).Error);
        }

        // The order: time, request and body are judged before the signature (so junk costs no resolution); then the key.
        var forgedAndStale = CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims with { iat = s_now.AddMinutes(-5).ToUnixTimeSeconds() }), other, KeyId, RequestProof.MediaType);
        Assert.Equal(RequestProofError.Expired, (await VerifyAsync(forgedAndStale)).Error);
        var forgedForAnotherBody = CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), other, KeyId, RequestProof.MediaType);
        Assert.Equal(RequestProofError.WrongBody, (await VerifyAsync(forgedForAnotherBody, body: [])).Error);
        Assert.Equal(RequestProofError.WrongType, (await VerifyAsync(CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims with { iat = 0L }), other, KeyId, "JWT"))).Error);

        Assert.Equal(RequestProofError.None, (await VerifyAsync(proof, now: s_now.AddSeconds(60))).Error);
    }

    [Fact]
    public void No_character_change_of_a_proof_passes_and_none_throws()
    {
        var proof = RequestProof.Create(_caller, KeyId, "POST", s_url, s_body, s_now);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        Prop.ForAll(Arb.From(Gen.Choose(0, proof.Length - 1)), Arb.From(Gen.Elements(Alphabet.ToCharArray())), (index, c) =>
        {
            if (proof[index] == c)
            {
                return true;
            }

            var edited = proof[..index] + c + proof[(index + 1)..];
            var result = VerifyAsync(edited).GetAwaiter().GetResult();

            // A change in the unused low bits of a segment's last base64url character decodes to the same bytes: that is the
            // same proof (same signature over the same claims), not a forgery.
            return !result.Holds || SameBytes(proof, edited);
        }).QuickCheckThrowOnFailure();
    }

    private static bool SameBytes(string a, string b) =>
        a.Split('.').Zip(b.Split('.')).All(p => IdentityEhr.Identity.Multiformats.Base64UrlText.TryDecode(p.First, out var x)
            && IdentityEhr.Identity.Multiformats.Base64UrlText.TryDecode(p.Second, out var y) && x.AsSpan().SequenceEqual(y));
}
