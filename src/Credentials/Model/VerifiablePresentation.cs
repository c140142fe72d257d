using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IdentityEhr.Credentials.Model;

/// <summary>
/// A verifiable presentation as read (VC Data Model 2.0 §4.13): its holder and the credentials it carries. Embedded
/// credentials are secured objects (Data Integrity); enveloped credentials are kept as they are for the JOSE reader.
/// </summary>
public sealed class VerifiablePresentation
{
    /// <summary>The type every presentation has.</summary>
    public const string PresentationType = "VerifiablePresentation";

    /// <summary>The most credentials one presentation may carry.</summary>
    public const int MaxCredentials = 16;

    private VerifiablePresentation(JsonElement json, string? id, string? holder, IReadOnlyList<JsonElement> credentials)
    {
        Json = json;
        Id = id;
        Holder = holder;
        Credentials = credentials;
    }

    /// <summary>Gets the presentation JSON (including any proof).</summary>
    public JsonElement Json { get; }

    /// <summary>Gets the presentation's <c>id</c>, if any.</summary>
    public string? Id { get; }

    /// <summary>Gets the holder's identifier, if stated.</summary>
    public string? Holder { get; }

    /// <summary>Gets the credentials carried, as JSON.</summary>
    public IReadOnlyList<JsonElement> Credentials { get; }

    /// <summary>Reads a presentation.</summary>
    /// <param name="json">The presentation JSON.</param>
    /// <param name="presentation">The presentation.</param>
    /// <param name="error">Why it is not one.</param>
    /// <returns>Whether the JSON is a presentation.</returns>
    public static bool TryRead(JsonElement json, [NotNullWhen(true)] out VerifiablePresentation? presentation, out CredentialError error)
    {
        presentation = null;
        error = VerifiableCredential.ReadCommon(json, PresentationType, out _, out var id, out _);
        if (error != CredentialError.None)
        {
            return false;
        }

        var holder = VerifiableCredential.IdOf(json, "holder");
        if (json.TryGetProperty("holder", out _) && holder is null)
        {
            error = CredentialError.InvalidHolder;
            return false;
        }

        JsonElement[] credentials = [];
        if (json.TryGetProperty("verifiableCredential", out var embedded))
        {
            credentials = embedded.ValueKind == JsonValueKind.Array ? [.. embedded.EnumerateArray()] : [embedded];
            if (credentials.Length > MaxCredentials || credentials.Any(c => c.ValueKind != JsonValueKind.Object))
            {
                error = CredentialError.InvalidEmbeddedCredential;
                return false;
            }
        }

        presentation = new VerifiablePresentation(json, id, holder, credentials);
        return true;
    }
}
