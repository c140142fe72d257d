using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.Jose;

/// <summary>
/// Compact JWS (RFC 7515 §7.1) with EdDSA (RFC 8037), ES256K (RFC 8812) and ES256 only. The algorithm is taken from the key,
/// never from the message: verification refuses a header whose <c>alg</c> is not the key's.
/// </summary>
public sealed class CompactJws
{
    /// <summary>The longest compact JWS accepted.</summary>
    public const int MaxLength = 64 * 1024;

    private static readonly string[] s_algorithms = ["EdDSA", "ES256K", "ES256"];

    private readonly string _signingInput;
    private readonly byte[] _signature;

    private CompactJws(JsonElement header, string algorithm, string? keyId, string? type, byte[] payload, string signingInput, byte[] signature)
    {
        Header = header;
        Algorithm = algorithm;
        KeyId = keyId;
        Type = type;
        Payload = payload;
        _signingInput = signingInput;
        _signature = signature;
    }

    /// <summary>Gets the protected header.</summary>
    public JsonElement Header { get; }

    /// <summary>Gets <c>alg</c>.</summary>
    public string Algorithm { get; }

    /// <summary>Gets <c>kid</c>, if any: for credentials, the DID URL of the verification method.</summary>
    public string? KeyId { get; }

    /// <summary>Gets <c>typ</c>, if any.</summary>
    public string? Type { get; }

    /// <summary>Gets the payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Signs a payload.</summary>
    /// <param name="payload">The payload bytes.</param>
    /// <param name="key">The signing key (Ed25519, secp256k1 or P-256).</param>
    /// <param name="keyId">The <c>kid</c>: the verification method's DID URL.</param>
    /// <param name="type">The <c>typ</c>, such as <c>vc+jwt</c>.</param>
    /// <returns>The compact serialization.</returns>
    /// <exception cref="ArgumentException">The key's type has no algorithm here.</exception>
    public static string Sign(ReadOnlySpan<byte> payload, PrivateKey key, string keyId, string? type)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var algorithm = key.PublicKey.JwsAlgorithm;
        if (algorithm is null || !s_algorithms.Contains(algorithm))
        {
            throw new ArgumentException($"A {key.Type} key has no JWS algorithm here; use Ed25519, secp256k1 or P-256.", nameof(key));
        }

        var header = new JsonObject { ["alg"] = algorithm, ["kid"] = keyId };
        if (type is not null)
        {
            header["typ"] = type;
        }

        var signingInput = Base64UrlText.Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64UrlText.Encode(payload);
        return signingInput + "." + Base64UrlText.Encode(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>Decodes a compact JWS without verifying it.</summary>
    /// <param name="compact">The text.</param>
    /// <param name="jws">The decoded JWS.</param>
    /// <param name="error">Why it was refused.</param>
    /// <returns>Whether the text is a well-formed JWS this service could verify.</returns>
    public static bool TryDecode(string? compact, [NotNullWhen(true)] out CompactJws? jws, out JoseError error)
    {
        jws = null;
        if (compact is null || compact.Length > MaxLength)
        {
            error = compact is null ? JoseError.MalformedCompact : JoseError.TooLarge;
            return false;
        }

        var parts = compact.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[2].Length == 0)
        {
            error = JoseError.MalformedCompact;
            return false;
        }

        error = JoseHeader.TryDecode(parts[0], out var header);
        if (error != JoseError.None)
        {
            return false;
        }

        var algorithm = JsonText.String(header, "alg");
        if (algorithm is null || !s_algorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            error = JoseError.UnsupportedAlgorithm;
            return false;
        }

        if (!Base64UrlText.TryDecode(parts[1], out var payload) || !Base64UrlText.TryDecode(parts[2], out var signature))
        {
            error = JoseError.MalformedCompact;
            return false;
        }

        jws = new CompactJws(header, algorithm, JsonText.String(header, "kid"), JsonText.String(header, "typ"), payload, $"{parts[0]}.{parts[1]}", signature);
        return true;
    }

    /// <summary>Verifies the signature with a key whose algorithm must be the header's.</summary>
    /// <param name="key">The key the <c>kid</c> resolved to.</param>
    /// <returns><see cref="JoseError.None"/>, <see cref="JoseError.AlgorithmKeyMismatch"/> or <see cref="JoseError.SignatureInvalid"/>.</returns>
    public JoseError Verify(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!string.Equals(key.JwsAlgorithm, Algorithm, StringComparison.Ordinal))
        {
            return JoseError.AlgorithmKeyMismatch;
        }

        return key.Verify(Encoding.ASCII.GetBytes(_signingInput), _signature) ? JoseError.None : JoseError.SignatureInvalid;
    }

    /// <summary>
    /// Verifies an ES256K signature against an Ethereum account rather than a key: the public key is recovered from the
    /// signature (both parities tried) and its address compared. This is how a did:ethr controller
    /// (<c>EcdsaSecp256k1RecoveryMethod2020</c> with a <c>blockchainAccountId</c>) signs.
    /// </summary>
    /// <param name="account">The account the verification method names.</param>
    /// <returns><see cref="JoseError.None"/>, <see cref="JoseError.AlgorithmKeyMismatch"/> or <see cref="JoseError.SignatureInvalid"/>.</returns>
    public JoseError VerifyByAccount(Address account)
    {
        if (!string.Equals(Algorithm, "ES256K", StringComparison.Ordinal))
        {
            return JoseError.AlgorithmKeyMismatch;
        }

        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(_signingInput));
        for (var recoveryId = 0; recoveryId < 2; recoveryId++)
        {
            if (Secp256k1.TryRecover(hash, _signature, recoveryId, out var publicKey) && Address.FromPublicKey(publicKey) == account)
            {
                return JoseError.None;
            }
        }

        return JoseError.SignatureInvalid;
    }
}
