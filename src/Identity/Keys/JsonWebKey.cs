using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Keys;

/// <summary>Keys as JSON Web Keys: <c>OKP</c> for Ed25519 and X25519 (RFC 8037), <c>EC</c> for the curves (RFC 7518 §6.2, RFC 8812).</summary>
/// <remarks>
/// Strict: members are base64url without padding and of the exact size; EC points must lie on the curve; a public JWK with a
/// <c>d</c> member is refused; duplicate members are refused. Other members (<c>kid</c>, <c>use</c>, <c>alg</c>...) are allowed.
/// </remarks>
public static class JsonWebKey
{
    /// <summary>Reads a public key from a JWK.</summary>
    /// <param name="jwk">The JWK object.</param>
    /// <param name="key">The key when the JWK is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the JWK holds a valid public key; otherwise <see langword="false"/>.</returns>
    public static bool TryImportPublic(JsonElement jwk, [NotNullWhen(true)] out PublicKey? key, out KeyError error)
    {
        key = null;
        if (!TryReadMembers(jwk, out var info, out var x, out var y, out var d, out error))
        {
            return false;
        }

        if (d is not null)
        {
            CryptographicOperations.ZeroMemory(d);
            error = KeyError.PrivateMemberInPublicJwk;
            return false;
        }

        return TryPublicKey(info, x, y, out key, out error);
    }

    /// <summary>Parses a public JWK into its key type and canonical bytes: the syntax stage, before the point itself is checked.</summary>
    /// <remarks>Checks the members, their base64url, the exact sizes and that coordinates are below the field prime.</remarks>
    /// <param name="json">The JWK as JSON text.</param>
    /// <param name="type">The key type when the JWK is well formed.</param>
    /// <param name="keyBytes">The key bytes (raw, or SEC 1 compressed) when the JWK is well formed.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the JWK is a well-formed public key; otherwise <see langword="false"/>.</returns>
    public static bool TryParsePublic(string json, out KeyType type, [NotNullWhen(true)] out byte[]? keyBytes, out KeyError error)
    {
        ArgumentNullException.ThrowIfNull(json);
        type = default;
        keyBytes = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!TryReadMembers(document.RootElement, out var info, out var x, out var y, out var d, out error))
            {
                return false;
            }

            if (d is not null)
            {
                CryptographicOperations.ZeroMemory(d);
                error = KeyError.PrivateMemberInPublicJwk;
                return false;
            }

            if (x!.Length != info.CoordinateSize || (y is not null && y.Length != info.CoordinateSize))
            {
                error = KeyError.WrongKeyLength;
                return false;
            }

            byte[] canonical = info.IsEllipticCurve ? [(byte)((y![^1] & 1) == 0 ? 0x02 : 0x03), .. x] : x;
            if (!Multikey.IsCanonical(info, canonical) || (y is not null && !Multikey.IsCanonical(info, [0x02, .. y])))
            {
                error = KeyError.InvalidPoint;
                return false;
            }

            (type, keyBytes, error) = (info.Type, canonical, KeyError.None);
            return true;
        }
        catch (JsonException)
        {
            error = KeyError.MalformedJwk;
            return false;
        }
    }

    /// <summary>Reads a public key from JWK text.</summary>
    /// <param name="json">The JWK as JSON text.</param>
    /// <param name="key">The key when the JWK is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the JWK holds a valid public key; otherwise <see langword="false"/>.</returns>
    public static bool TryImportPublic(string json, [NotNullWhen(true)] out PublicKey? key, out KeyError error)
    {
        ArgumentNullException.ThrowIfNull(json);
        key = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryImportPublic(document.RootElement, out key, out error);
        }
        catch (JsonException)
        {
            error = KeyError.MalformedJwk;
            return false;
        }
    }

    /// <summary>Reads a private key from a JWK with its <c>d</c> member; the public members must match it.</summary>
    /// <param name="jwk">The JWK object.</param>
    /// <param name="key">The key when the JWK is valid.</param>
    /// <param name="error">Why it is not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when the JWK holds a valid private key; otherwise <see langword="false"/>.</returns>
    public static bool TryImportPrivate(JsonElement jwk, [NotNullWhen(true)] out PrivateKey? key, out KeyError error)
    {
        key = null;
        if (!TryReadMembers(jwk, out var info, out var x, out var y, out var d, out error))
        {
            return false;
        }

        try
        {
            if (d is null)
            {
                error = KeyError.WrongKeyKind;
                return false;
            }

            if (!TryPublicKey(info, x, y, out var claimed, out error) || !PrivateKey.TryImport(info.Type, d, out key, out error))
            {
                return false;
            }

            if (!key.PublicKey.Equals(claimed))
            {
                key.Dispose();
                key = null;
                error = KeyError.InvalidPrivateKey;
                return false;
            }

            return true;
        }
        finally
        {
            if (d is not null)
            {
                CryptographicOperations.ZeroMemory(d);
            }
        }
    }

    /// <summary>Writes a public key as a JWK.</summary>
    /// <param name="key">The key.</param>
    /// <returns>A new JSON object with <c>kty</c>, <c>crv</c>, <c>x</c> and, for EC keys, <c>y</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public static JsonObject ExportPublic(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var jwk = new JsonObject { ["kty"] = key.Info.JwkKty, ["crv"] = key.Info.JwkCrv };
        if (key.Info.IsEllipticCurve)
        {
            var (x, y) = key.ExportCoordinates();
            jwk["x"] = Base64UrlText.Encode(x);
            jwk["y"] = Base64UrlText.Encode(y);
        }
        else
        {
            jwk["x"] = Base64UrlText.Encode(key.Bytes);
        }

        return jwk;
    }

    /// <summary>Writes a private key as a JWK, with its secret in <c>d</c>. Treat the result as the secret itself.</summary>
    /// <param name="key">The key.</param>
    /// <returns>A new JSON object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public static JsonObject ExportPrivate(PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var jwk = ExportPublic(key.PublicKey);
        var secret = key.ExportSecret();
        try
        {
            jwk["d"] = Base64UrlText.Encode(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        return jwk;
    }

    private static bool TryReadMembers(
        JsonElement jwk, [NotNullWhen(true)] out KeyTypeInfo? info, out byte[]? x, out byte[]? y, out byte[]? d, out KeyError error)
    {
        (info, x, y, d) = (null, null, null, null);
        error = KeyError.MalformedJwk;
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? kty = null, crv = null, xText = null, yText = null, dText = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in jwk.EnumerateObject())
        {
            if (!seen.Add(member.Name))
            {
                return false;
            }

            switch (member.Name)
            {
                case "kty":
                    kty = StringOf(member.Value);
                    break;
                case "crv":
                    crv = StringOf(member.Value);
                    break;
                case "x":
                    xText = StringOf(member.Value);
                    break;
                case "y":
                    yText = StringOf(member.Value);
                    break;
                case "d":
                    dText = StringOf(member.Value) ?? string.Empty;
                    break;
                default:
                    break;
            }
        }

        if (kty is null || crv is null || xText is null)
        {
            return false;
        }

        info = KeyTypeInfo.ByJwk(kty, crv);
        if (info is null)
        {
            error = KeyError.UnsupportedKeyType;
            return false;
        }

        // OKP keys have no y; EC keys need one.
        if (info.IsEllipticCurve != (yText is not null)
            || !Base64UrlText.TryDecode(xText, out var xBytes)
            || (yText is not null && !Base64UrlText.TryDecode(yText, out y))
            || (dText is not null && !Base64UrlText.TryDecode(dText, out d)))
        {
            if (d is not null)
            {
                CryptographicOperations.ZeroMemory(d);
                d = null;
            }

            return false;
        }

        x = xBytes;
        error = KeyError.None;
        return true;
    }

    private static bool TryPublicKey(KeyTypeInfo info, byte[]? x, byte[]? y, [NotNullWhen(true)] out PublicKey? key, out KeyError error)
    {
        key = null;
        if (!info.IsEllipticCurve)
        {
            return PublicKey.TryImport(info.Type, x, out key, out error);
        }

        if (x!.Length != info.CoordinateSize || y!.Length != info.CoordinateSize)
        {
            error = KeyError.WrongKeyLength;
            return false;
        }

        var uncompressed = new byte[1 + (2 * info.CoordinateSize)];
        uncompressed[0] = 0x04;
        x.CopyTo(uncompressed, 1);
        y.CopyTo(uncompressed, 1 + info.CoordinateSize);
        return PublicKey.TryImport(info.Type, uncompressed, out key, out error);
    }

    private static string? StringOf(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
