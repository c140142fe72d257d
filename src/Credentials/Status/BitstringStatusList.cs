using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Json;

namespace IdentityEhr.Credentials.Status;

/// <summary>
/// A <c>BitstringStatusListCredential</c> (v1.0 §2.2) as read or to be issued: who publishes it, for which purpose, for how
/// long it may be cached, and the bitstring. Its proof is checked separately, like any credential's.
/// </summary>
public sealed class BitstringStatusList
{
    /// <summary>The credential type.</summary>
    public const string CredentialType = "BitstringStatusListCredential";

    /// <summary>The credential subject's type.</summary>
    public const string SubjectType = "BitstringStatusList";

    private BitstringStatusList(string id, string issuer, string statusPurpose, Bitstring bitstring, DateTimeOffset? validFrom, DateTimeOffset? validUntil, TimeSpan? ttl)
    {
        Id = id;
        Issuer = issuer;
        StatusPurpose = statusPurpose;
        Bitstring = bitstring;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
        Ttl = ttl;
    }

    /// <summary>Gets the status list credential's URL (<c>id</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the issuer's identifier.</summary>
    public string Issuer { get; }

    /// <summary>Gets the purpose of every entry in the list.</summary>
    public string StatusPurpose { get; }

    /// <summary>Gets the bits.</summary>
    public Bitstring Bitstring { get; }

    /// <summary>Gets when the list starts being valid, if stated.</summary>
    public DateTimeOffset? ValidFrom { get; }

    /// <summary>Gets when the list stops being valid, if stated.</summary>
    public DateTimeOffset? ValidUntil { get; }

    /// <summary>Gets how long a verifier may cache the list (<c>ttl</c>, milliseconds on the wire), if stated.</summary>
    public TimeSpan? Ttl { get; }

    /// <summary>Builds the unsecured status list credential, ready for a proof.</summary>
    /// <param name="id">The URL it is published at.</param>
    /// <param name="issuer">The issuer's DID.</param>
    /// <param name="statusPurpose">The purpose of its entries.</param>
    /// <param name="bitstring">The bits.</param>
    /// <param name="validFrom">When it starts being valid.</param>
    /// <param name="ttl">How long verifiers may cache it.</param>
    /// <returns>The credential JSON.</returns>
    public static JsonObject CreateCredential(string id, string issuer, string statusPurpose, Bitstring bitstring, DateTimeOffset validFrom, TimeSpan ttl)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(statusPurpose);
        ArgumentNullException.ThrowIfNull(bitstring);
        var subject = new JsonObject
        {
            ["id"] = $"{id}#list",
            ["type"] = SubjectType,
            ["statusPurpose"] = statusPurpose,
            ["encodedList"] = bitstring.Encode(),
            ["ttl"] = (long)ttl.TotalMilliseconds,
        };
        if (bitstring.StatusSize != 1)
        {
            subject["statusSize"] = bitstring.StatusSize;
        }

        return new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["id"] = id,
            ["type"] = new JsonArray("VerifiableCredential", CredentialType),
            ["issuer"] = issuer,
            ["validFrom"] = DataIntegrityProof.FormatTime(validFrom),
            ["credentialSubject"] = subject,
        };
    }

    /// <summary>Reads a status list credential.</summary>
    /// <param name="credential">The credential JSON.</param>
    /// <param name="list">The list.</param>
    /// <param name="error">Why it was refused.</param>
    /// <returns>Whether the credential is a well-formed status list.</returns>
    public static bool TryRead(JsonElement credential, [NotNullWhen(true)] out BitstringStatusList? list, out StatusListError error)
    {
        list = null;
        error = StatusListError.MalformedValue;
        if (credential.ValueKind != JsonValueKind.Object
            || !credential.TryGetProperty("type", out var types) || types.ValueKind != JsonValueKind.Array
            || !types.EnumerateArray().Any(t => JsonText.String(t) == CredentialType)
            || !credential.TryGetProperty("credentialSubject", out var subject) || subject.ValueKind != JsonValueKind.Object
            || JsonText.String(subject, "type") != SubjectType)
        {
            return false;
        }

        var id = JsonText.String(credential, "id");
        var issuer = JsonText.String(credential, "issuer")
            ?? (credential.TryGetProperty("issuer", out var issuerObject) ? JsonText.String(issuerObject, "id") : null);
        var purpose = JsonText.String(subject, "statusPurpose");
        var size = 1;
        long ttl = 0;
        if (id is null || issuer is null || purpose is null
            || (subject.TryGetProperty("statusSize", out var sizeElement) && (!sizeElement.TryGetInt32(out size) || size is < 1 or > 8))
            || (subject.TryGetProperty("ttl", out var ttlElement) && (!ttlElement.TryGetInt64(out ttl) || ttl is < 0 or > MaxTtlMilliseconds))
            || !JsonText.TryOptionalTime(credential, "validFrom", out var validFrom) || !JsonText.TryOptionalTime(credential, "validUntil", out var validUntil))
        {
            return false;
        }

        if (!Bitstring.TryDecode(JsonText.String(subject, "encodedList"), size, out var bitstring, out error))
        {
            return false;
        }

        list = new BitstringStatusList(id, issuer, purpose, bitstring, validFrom, validUntil, ttlElement.ValueKind == JsonValueKind.Number ? TimeSpan.FromMilliseconds(ttl) : null);
        return true;
    }

    /// <summary>Looks up an entry's status (§3.2 validate algorithm, steps after the list is verified).</summary>
    /// <param name="entry">The credential's entry.</param>
    /// <param name="status">The status value; for revocation and suspension, 1 means the credential is revoked or suspended.</param>
    /// <returns><see cref="StatusListError.None"/>, or why the entry does not fit this list.</returns>
    public StatusListError TryGetStatus(BitstringStatusListEntry entry, out int status)
    {
        ArgumentNullException.ThrowIfNull(entry);
        status = 0;
        if (!string.Equals(entry.StatusPurpose, StatusPurpose, StringComparison.Ordinal) || entry.StatusSize != Bitstring.StatusSize
            || !string.Equals(entry.StatusListCredential, Id, StringComparison.Ordinal))
        {
            return StatusListError.PurposeMismatch;
        }

        if (entry.StatusListIndex >= Bitstring.Length)
        {
            return StatusListError.Range;
        }

        status = Bitstring.Get(entry.StatusListIndex);
        return StatusListError.None;
    }

    /// <summary>The longest <c>ttl</c> read (a year, in milliseconds): a list cached longer could never be revoked in time, and a
    /// larger number would overflow the cache's expiry arithmetic.</summary>
    public const long MaxTtlMilliseconds = 366L * 24 * 60 * 60 * 1000;

    /// <summary>When a cached copy read at <paramref name="fetched"/> must be fetched again: the earlier of ttl and validUntil.</summary>
    /// <param name="fetched">When the list was fetched.</param>
    /// <param name="defaultTtl">The cache time to use when the list states no ttl.</param>
    /// <returns>The expiry.</returns>
    public DateTimeOffset CacheUntil(DateTimeOffset fetched, TimeSpan defaultTtl)
    {
        var until = fetched + (Ttl ?? defaultTtl);
        return ValidUntil is { } validUntil && validUntil < until ? validUntil : until;
    }
}
