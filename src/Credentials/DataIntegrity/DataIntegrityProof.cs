using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Json;

namespace IdentityEhr.Credentials.DataIntegrity;

/// <summary>
/// The members of a <c>DataIntegrityProof</c> (VC Data Integrity 1.0 §2.1) that a verifier acts on. The proof value is kept as
/// text; <see cref="EddsaJcs2022"/> decodes and checks it.
/// </summary>
public sealed class DataIntegrityProof
{
    /// <summary>The proof type this library writes and reads.</summary>
    public const string ProofType = "DataIntegrityProof";

    private DataIntegrityProof(
        string cryptosuite, string verificationMethod, string proofPurpose, DateTimeOffset? created, DateTimeOffset? expires,
        string? challenge, string? domain, string proofValue)
    {
        Cryptosuite = cryptosuite;
        VerificationMethod = verificationMethod;
        ProofPurpose = proofPurpose;
        Created = created;
        Expires = expires;
        Challenge = challenge;
        Domain = domain;
        ProofValue = proofValue;
    }

    /// <summary>Gets the cryptosuite, such as <c>eddsa-jcs-2022</c>.</summary>
    public string Cryptosuite { get; }

    /// <summary>Gets the DID URL of the key that made the proof.</summary>
    public string VerificationMethod { get; }

    /// <summary>Gets the purpose, which names the verification relationship the key must be under (for example <c>assertionMethod</c>).</summary>
    public string ProofPurpose { get; }

    /// <summary>Gets when the proof was made, if stated.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>Gets when the proof stops being valid, if stated.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>Gets the verifier's challenge (nonce) the proof answers, if any.</summary>
    public string? Challenge { get; }

    /// <summary>Gets the domain the proof is bound to, if any (a single string; arrays are refused).</summary>
    public string? Domain { get; }

    /// <summary>Gets the multibase proof value.</summary>
    public string ProofValue { get; }

    /// <summary>Reads the single proof of a secured document.</summary>
    /// <param name="securedDocument">The document with its <c>proof</c> member.</param>
    /// <param name="proof">The proof, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it could not be read.</param>
    /// <returns>Whether the proof was read.</returns>
    public static bool TryRead(JsonElement securedDocument, [NotNullWhen(true)] out DataIntegrityProof? proof, out DataIntegrityError error)
    {
        proof = null;
        if (securedDocument.ValueKind != JsonValueKind.Object)
        {
            error = DataIntegrityError.MalformedDocument;
            return false;
        }

        if (!securedDocument.TryGetProperty("proof", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            error = DataIntegrityError.ProofMissing;
            return false;
        }

        if (Text(element, "type") != ProofType)
        {
            error = DataIntegrityError.UnsupportedCryptosuite;
            return false;
        }

        var cryptosuite = Text(element, "cryptosuite");
        var verificationMethod = Text(element, "verificationMethod");
        var proofPurpose = Text(element, "proofPurpose");
        var proofValue = Text(element, "proofValue");
        if (cryptosuite is null || verificationMethod is null || proofPurpose is null || proofValue is null
            || !JsonText.TryOptionalTime(element, "created", out var created) || !JsonText.TryOptionalTime(element, "expires", out var expires)
            || !TryOptionalText(element, "challenge", out var challenge) || !TryOptionalText(element, "domain", out var domain))
        {
            error = DataIntegrityError.MalformedProof;
            return false;
        }

        proof = new DataIntegrityProof(cryptosuite, verificationMethod, proofPurpose, created, expires, challenge, domain, proofValue);
        error = DataIntegrityError.None;
        return true;
    }

    /// <summary>Formats a time as the proofs and credentials of this service write it: UTC, whole seconds, <c>Z</c>.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The XML Schema dateTime text.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an XML Schema dateTime with a time zone (VC Data Model 2.0 §4.9 requires one).</summary>
    /// <param name="text">The text.</param>
    /// <param name="time">The time.</param>
    /// <returns>Whether the text is such a dateTime.</returns>
    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        time = default;
        return text is { Length: >= 20 and <= 40 }
            && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && text[10] == 'T'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time);
    }

    internal static JsonObject ConfigurationFor(ProofOptions options, JsonNode? context)
    {
        var configuration = new JsonObject
        {
            ["type"] = ProofType,
            ["cryptosuite"] = options.Cryptosuite,
            ["verificationMethod"] = options.VerificationMethod,
            ["proofPurpose"] = options.ProofPurpose,
        };
        if (options.Created is { } created)
        {
            configuration["created"] = FormatTime(created);
        }

        if (options.Expires is { } expires)
        {
            configuration["expires"] = FormatTime(expires);
        }

        if (options.Challenge is { } challenge)
        {
            configuration["challenge"] = challenge;
        }

        if (options.Domain is { } domain)
        {
            configuration["domain"] = domain;
        }

        if (context is not null)
        {
            configuration["@context"] = context.DeepClone();
        }

        return configuration;
    }

    private static string? Text(JsonElement element, string name) => JsonText.String(element, name);

    private static bool TryOptionalText(JsonElement element, string name, out string? text)
    {
        text = null;
        if (!element.TryGetProperty(name, out var value))
        {
            return true;
        }

        text = JsonText.String(value);
        return text is not null;
    }
}
