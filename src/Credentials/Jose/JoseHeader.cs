using System.Text.Json;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.Jose;

/// <summary>Decodes and checks a JOSE protected header: strict base64url, an I-JSON object, no member that changes how keys are found.</summary>
internal static class JoseHeader
{
    /// <summary>Members that would let the message choose its own key or processing rules; keys come from DID documents only.</summary>
    private static readonly string[] s_forbidden = ["crit", "b64", "zip", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256"];

    internal static JoseError TryDecode(ReadOnlySpan<char> encoded, out JsonElement header)
    {
        header = default;
        if (!Base64UrlText.TryDecode(encoded, out var bytes))
        {
            return JoseError.MalformedCompact;
        }

        // JCS refuses duplicate members and lone surrogates, which a plain parse would let through.
        if (!JsonCanonicalizer.TryCanonicalize(bytes, out _, out _))
        {
            return JoseError.MalformedHeader;
        }

        using var document = JsonDocument.Parse(bytes);
        header = document.RootElement.Clone();
        if (header.ValueKind != JsonValueKind.Object)
        {
            return JoseError.MalformedHeader;
        }

        foreach (var name in s_forbidden)
        {
            if (header.TryGetProperty(name, out _))
            {
                return JoseError.ForbiddenHeader;
            }
        }

        foreach (var name in (string[])["alg", "enc", "kid", "typ", "cty"])
        {
            if (header.TryGetProperty(name, out _) && JsonText.String(header, name) is null)
            {
                return JoseError.MalformedHeader;
            }
        }

        return JoseError.None;
    }
}
