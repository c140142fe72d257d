using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Ethereum;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Credentials.Jose;

/// <summary>The outcome of verifying a <c>vc+jwt</c> or <c>vp+jwt</c>.</summary>
/// <param name="Error">Why it was refused, or <see cref="JoseError.None"/>.</param>
/// <param name="Document">The credential or presentation (VC 1.1 JWT claims are turned back into a 1.1 credential).</param>
/// <param name="Signer">The DID whose key signed.</param>
/// <param name="SignerVersion">The signer's DID document version.</param>
/// <param name="Claims">The JWT claims set as received.</param>
public sealed record JoseVerification(JoseError Error, JsonElement? Document, Did? Signer, string? SignerVersion, JsonElement? Claims)
{
    /// <summary>Gets a value indicating whether the signature verified with a key under the required relationship.</summary>
    public bool Verified => Error == JoseError.None;
}

/// <summary>
/// Credentials and presentations secured with JOSE (VC-JOSE-COSE, <c>application/vc+jwt</c>, <c>vp+jwt</c>): the payload is the
/// VC 2.0 document itself, with the JWT claims <c>iss</c>, <c>jti</c>, <c>sub</c>, <c>nbf</c>, <c>exp</c> (credentials) or
/// <c>iss</c>, <c>nonce</c>, <c>aud</c> (presentations) added so that VC 1.1 JWT verifiers such as did-jwt-vc can check them too.
/// Reading also accepts VC 1.1 JWTs (<c>vc</c>/<c>vp</c> claims).
/// </summary>
public static class JoseCredentials
{
    /// <summary>The <c>typ</c> of a secured credential.</summary>
    public const string CredentialMediaType = "vc+jwt";

    /// <summary>The <c>typ</c> of a secured presentation.</summary>
    public const string PresentationMediaType = "vp+jwt";

    /// <summary>Secures a credential as <c>vc+jwt</c>.</summary>
    /// <param name="credential">The unsecured VC 2.0 credential.</param>
    /// <param name="key">The issuer's key.</param>
    /// <param name="keyId">The verification method's DID URL (under the issuer's <c>assertionMethod</c>).</param>
    /// <returns>The compact JWS.</returns>
    public static string SignCredential(JsonObject credential, PrivateKey key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var json = JsonSerializer.SerializeToElement(credential);
        if (!VerifiableCredential.TryRead(json, out var read, out var error))
        {
            throw new ArgumentException($"Not a credential: {error}.", nameof(credential));
        }

        var payload = credential.DeepClone().AsObject();
        payload["iss"] = read.Issuer;
        if (read.Id is not null)
        {
            payload["jti"] = read.Id;
        }

        if (read.Subjects is [var subject] && JsonText.String(subject, "id") is { } subjectId)
        {
            payload["sub"] = subjectId;
        }

        if (read.ValidFrom is { } from)
        {
            payload["nbf"] = from.ToUnixTimeSeconds();
        }

        if (read.ValidUntil is { } until)
        {
            payload["exp"] = until.ToUnixTimeSeconds();
        }

        return CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(payload), key, keyId, CredentialMediaType);
    }

    /// <summary>Secures a presentation as <c>vp+jwt</c>, bound to a verifier's challenge and domain.</summary>
    /// <param name="presentation">The unsecured presentation (its <c>holder</c> is the signer's DID).</param>
    /// <param name="key">The holder's key.</param>
    /// <param name="keyId">The verification method's DID URL (under the holder's <c>authentication</c>).</param>
    /// <param name="challenge">The verifier's challenge, written as <c>nonce</c>.</param>
    /// <param name="domain">The verifier's domain, written as <c>aud</c>.</param>
    /// <returns>The compact JWS.</returns>
    public static string SignPresentation(JsonObject presentation, PrivateKey key, string keyId, string challenge, string domain)
    {
        ArgumentNullException.ThrowIfNull(presentation);
        var payload = presentation.DeepClone().AsObject();
        payload["iss"] = DidUrl.Parse(keyId).Did.ToString();
        payload["nonce"] = challenge;
        payload["aud"] = domain;
        return CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(payload), key, keyId, PresentationMediaType);
    }

    /// <summary>Verifies a <c>vc+jwt</c>/<c>vp+jwt</c> (or VC 1.1 JWT): the <c>kid</c> must name a key under the signer's relationship.</summary>
    /// <param name="compact">The JWS.</param>
    /// <param name="relationship"><see cref="VerificationRelationship.AssertionMethod"/> for credentials, <see cref="VerificationRelationship.Authentication"/> for presentations.</param>
    /// <param name="resolver">Resolves the signer's DID.</param>
    /// <param name="cancellationToken">Cancels resolution.</param>
    /// <returns>The outcome.</returns>
    public static async ValueTask<JoseVerification> VerifyAsync(
        string compact, VerificationRelationship relationship, DidResolver resolver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (!CompactJws.TryDecode(compact, out var jws, out var error))
        {
            return new JoseVerification(error, null, null, null, null);
        }

        JsonElement claims;
        try
        {
            using var document = JsonDocument.Parse(jws.Payload);
            claims = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new JoseVerification(JoseError.MalformedCompact, null, null, null, null);
        }

        if (claims.ValueKind != JsonValueKind.Object || !DidUrl.TryParse(jws.KeyId, out var keyId, out _) || keyId.Fragment is null
            || JsonText.String(claims, "iss") is not { } issuer || issuer != keyId.Did.ToString())
        {
            // kid must be a DID URL of the issuer (iss): the key is found through the DID document, never guessed.
            return new JoseVerification(JoseError.MalformedHeader, null, null, null, claims);
        }

        var resolution = await resolver.ResolveAsync(keyId.Did, null, cancellationToken).ConfigureAwait(false);
        var version = resolution.DocumentMetadata.VersionId;
        if (!resolution.IsSuccess || resolution.DocumentMetadata.Deactivated == true)
        {
            return new JoseVerification(JoseError.DidNotResolved, null, keyId.Did, version, claims);
        }

        if (resolution.DidDocument!.FindAuthorized(relationship, keyId) is not { } method)
        {
            return new JoseVerification(JoseError.KeyNotAuthorized, null, keyId.Did, version, claims);
        }

        if (method.TryGetPublicKey(out var key, out _))
        {
            error = jws.Verify(key);
        }
        else if (Account(method) is { } account)
        {
            error = jws.VerifyByAccount(account);
        }
        else
        {
            return new JoseVerification(JoseError.KeyNotAuthorized, null, keyId.Did, version, claims);
        }

        return error != JoseError.None
            ? new JoseVerification(error, null, keyId.Did, version, claims)
            : new JoseVerification(JoseError.None, Document(claims), keyId.Did, version, claims);
    }

    /// <summary>The secured document: the payload itself (VC-JOSE-COSE), or a VC 1.1 JWT's <c>vc</c>/<c>vp</c> claim with the registered claims put back.</summary>
    private static JsonElement Document(JsonElement claims)
    {
        JsonObject document;
        if (claims.TryGetProperty("vc", out var vc) && vc.ValueKind == JsonValueKind.Object)
        {
            document = JsonObject.Create(vc)!.DeepClone().AsObject();
            document["issuer"] ??= JsonText.String(claims, "iss");
            Copy(claims, "jti", document, "id");
            Copy(claims, "nbf", document, "issuanceDate");
            Copy(claims, "exp", document, "expirationDate");
            if (JsonText.String(claims, "sub") is { } sub && document["credentialSubject"] is JsonObject subject)
            {
                subject["id"] ??= sub;
            }
        }
        else if (claims.TryGetProperty("vp", out var vp) && vp.ValueKind == JsonValueKind.Object)
        {
            document = JsonObject.Create(vp)!.DeepClone().AsObject();
            document["holder"] ??= JsonText.String(claims, "iss");
        }
        else
        {
            return claims;
        }

        return JsonSerializer.SerializeToElement(document);
    }

    /// <summary>The account of an <c>EcdsaSecp256k1RecoveryMethod2020</c> (<c>blockchainAccountId</c> = CAIP-10 <c>eip155:chain:address</c>).</summary>
    private static Address? Account(VerificationMethod method)
    {
        if (method.Type != "EcdsaSecp256k1RecoveryMethod2020"
            || method.AdditionalProperties.GetValueOrDefault("blockchainAccountId") is not JsonValue value
            || !value.TryGetValue<string>(out var caip10))
        {
            return null;
        }

        var parts = caip10.Split(':');
        return parts is ["eip155", _, var text] && Address.TryParse(text, out var address) ? address : null;
    }

    private static void Copy(JsonElement claims, string claim, JsonObject document, string member)
    {
        if (document.ContainsKey(member) || !claims.TryGetProperty(claim, out var value))
        {
            return;
        }

        // Seconds outside 0001-9999 are not dates; they are left out rather than thrown on.
        document[member] = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? seconds is < -62_135_596_800 or > 253_402_300_799 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : JsonText.String(value);
    }
}
