using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using IdentityEhr.Credentials.Json;

namespace IdentityEhr.Credentials.Model;

/// <summary>
/// A verifiable credential as read (VC Data Model 2.0 §4; 1.1 credentials are read with <c>issuanceDate</c> and
/// <c>expirationDate</c> mapped to <see cref="ValidFrom"/> and <see cref="ValidUntil"/>). The JSON stays the source of
/// truth: proofs are made and checked over it, never over this view.
/// </summary>
public sealed class VerifiableCredential
{
    /// <summary>The VC Data Model 2.0 base context, which must come first.</summary>
    public const string V2Context = "https://www.w3.org/ns/credentials/v2";

    /// <summary>The VC Data Model 1.1 base context.</summary>
    public const string V1Context = "https://www.w3.org/2018/credentials/v1";

    /// <summary>The type every credential has.</summary>
    public const string CredentialType = "VerifiableCredential";

    private VerifiableCredential(
        JsonElement json, int version, string? id, IReadOnlyList<string> types, string issuer, DateTimeOffset? validFrom, DateTimeOffset? validUntil,
        IReadOnlyList<JsonElement> subjects, IReadOnlyList<JsonElement> statuses, IReadOnlyList<JsonElement> schemas)
    {
        Json = json;
        Version = version;
        Id = id;
        Types = types;
        Issuer = issuer;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
        Subjects = subjects;
        Statuses = statuses;
        Schemas = schemas;
    }

    /// <summary>Gets the credential JSON (including any proof).</summary>
    public JsonElement Json { get; }

    /// <summary>Gets the data model version: 2 or 1 (1.1).</summary>
    public int Version { get; }

    /// <summary>Gets the credential's <c>id</c>, if any.</summary>
    public string? Id { get; }

    /// <summary>Gets the types.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Gets the issuer's identifier (the <c>issuer</c> string, or its <c>id</c>).</summary>
    public string Issuer { get; }

    /// <summary>Gets when the credential starts being valid (<c>validFrom</c>, or 1.1 <c>issuanceDate</c>).</summary>
    public DateTimeOffset? ValidFrom { get; }

    /// <summary>Gets when the credential stops being valid (<c>validUntil</c>, or 1.1 <c>expirationDate</c>).</summary>
    public DateTimeOffset? ValidUntil { get; }

    /// <summary>Gets the credential subjects (at least one).</summary>
    public IReadOnlyList<JsonElement> Subjects { get; }

    /// <summary>Gets the <c>credentialStatus</c> entries.</summary>
    public IReadOnlyList<JsonElement> Statuses { get; }

    /// <summary>Gets the <c>credentialSchema</c> entries.</summary>
    public IReadOnlyList<JsonElement> Schemas { get; }

    /// <summary>Reads a credential.</summary>
    /// <param name="json">The credential JSON.</param>
    /// <param name="credential">The credential.</param>
    /// <param name="error">Why it is not one.</param>
    /// <returns>Whether the JSON is a credential.</returns>
    public static bool TryRead(JsonElement json, [NotNullWhen(true)] out VerifiableCredential? credential, out CredentialError error)
    {
        credential = null;
        error = ReadCommon(json, CredentialType, out var version, out var id, out var types);
        if (error != CredentialError.None)
        {
            return false;
        }

        var issuer = IdOf(json, "issuer");
        if (issuer is null)
        {
            error = CredentialError.InvalidIssuer;
            return false;
        }

        var (fromName, untilName) = version == 2 ? ("validFrom", "validUntil") : ("issuanceDate", "expirationDate");
        if (!JsonText.TryOptionalTime(json, fromName, out var validFrom) || !JsonText.TryOptionalTime(json, untilName, out var validUntil)
            || (validFrom is { } from && validUntil is { } until && until < from) || (version == 1 && validFrom is null))
        {
            error = CredentialError.InvalidValidityPeriod;
            return false;
        }

        var subjects = Objects(json, "credentialSubject", required: true, _ => true);
        var statuses = Objects(json, "credentialStatus", required: false, s => JsonText.String(s, "type") is not null);
        var schemas = Objects(json, "credentialSchema", required: false, s => JsonText.String(s, "type") is not null && JsonText.String(s, "id") is not null);
        error = subjects is null ? CredentialError.InvalidSubject
            : statuses is null ? CredentialError.InvalidStatus
            : schemas is null ? CredentialError.InvalidSchema
            : CredentialError.None;
        if (error != CredentialError.None)
        {
            return false;
        }

        credential = new VerifiableCredential(json, version, id, types, issuer, validFrom, validUntil, subjects!, statuses!, schemas!);
        return true;
    }

    /// <summary>Whether the credential has a type.</summary>
    /// <param name="type">The type.</param>
    /// <returns><see langword="true"/> when <see cref="Types"/> contains it.</returns>
    public bool HasType(string type) => Types.Contains(type, StringComparer.Ordinal);

    /// <summary>Checks the parts every VC and VP share: <c>@context</c>, <c>type</c>, <c>id</c>.</summary>
    internal static CredentialError ReadCommon(JsonElement json, string requiredType, out int version, out string? id, out IReadOnlyList<string> types)
    {
        version = 0;
        id = null;
        types = [];
        if (json.ValueKind != JsonValueKind.Object)
        {
            return CredentialError.NotAnObject;
        }

        if (!json.TryGetProperty("@context", out var context) || context.ValueKind != JsonValueKind.Array || context.GetArrayLength() == 0)
        {
            return CredentialError.InvalidContext;
        }

        version = JsonText.String(context[0]) switch
        {
            V2Context => 2,
            V1Context => 1,
            _ => 0,
        };
        if (version == 0)
        {
            return CredentialError.InvalidContext;
        }

        var typeList = Strings(json, "type");
        if (typeList is null || !typeList.Contains(requiredType, StringComparer.Ordinal))
        {
            return CredentialError.InvalidType;
        }

        types = typeList;
        id = JsonText.String(json, "id");
        return json.TryGetProperty("id", out _) && id is null ? CredentialError.InvalidId : CredentialError.None;
    }

    /// <summary>Reads a member that is a URL string or an object with an <c>id</c> (issuer, holder).</summary>
    internal static string? IdOf(JsonElement json, string name) =>
        !json.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Object ? JsonText.String(value, "id")
        : JsonText.String(value);

    private static string[]? Strings(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value))
        {
            return null;
        }

        var items = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new[] { value };
        var strings = items.Select(JsonText.String).OfType<string>().ToArray();
        return strings.Length > 0 && strings.Length == items.Length ? strings : null;
    }

    private static JsonElement[]? Objects(JsonElement json, string name, bool required, Func<JsonElement, bool> valid)
    {
        if (!json.TryGetProperty(name, out var value))
        {
            return required ? null : [];
        }

        var items = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new[] { value };
        return items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.Object && valid(i)) ? items : null;
    }
}
