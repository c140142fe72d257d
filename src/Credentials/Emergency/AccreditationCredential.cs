using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Credentials.Emergency;

/// <summary>
/// An <c>EmergencyAccessAccreditation</c>: an accreditor the service trusts (a hospital's credentialing office, a medical board)
/// states that a provider may break the glass — read a record without the patient's consent, for an emergency purpose of use,
/// with a stated reason that the log keeps as a hash. Short-lived by construction: <c>validUntil</c> is required and at most a
/// year after <c>validFrom</c>. Format: specs/consent-credential.md, "Emergency access accreditation".
/// </summary>
public sealed class AccreditationCredential
{
    /// <summary>The credential type that marks an accreditation.</summary>
    public const string CredentialType = "EmergencyAccessAccreditation";

    /// <summary>The longest an accreditation may be valid for.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(366);

    /// <summary>The purposes of use an accreditation may name: emergency treatment and break the glass.</summary>
    public static readonly IReadOnlyList<string> EmergencyPurposes = [PurposeOfUse.EmergencyTreatment, BreakTheGlass];

    /// <summary>HL7 v3 "break the glass".</summary>
    public const string BreakTheGlass = "BTG";

    private AccreditationCredential(
        VerifiableCredential credential, Did accreditor, Did provider, IReadOnlyList<string> purposes, DateTimeOffset validFrom, DateTimeOffset validUntil,
        BitstringStatusListEntry? revocation)
    {
        Revocation = revocation;
        Credential = credential;
        Accreditor = accreditor;
        Provider = provider;
        PurposesOfUse = purposes;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
    }

    /// <summary>Gets the credential.</summary>
    public VerifiableCredential Credential { get; }

    /// <summary>Gets the accreditor (the issuer).</summary>
    public Did Accreditor { get; }

    /// <summary>Gets the accredited provider (the subject).</summary>
    public Did Provider { get; }

    /// <summary>Gets the emergency purposes of use it allows.</summary>
    public IReadOnlyList<string> PurposesOfUse { get; }

    /// <summary>Gets when it starts.</summary>
    public DateTimeOffset ValidFrom { get; }

    /// <summary>Gets when it ends.</summary>
    public DateTimeOffset ValidUntil { get; }

    /// <summary>Gets its revocation entry, when the accreditor can revoke it before it ends.</summary>
    public BitstringStatusListEntry? Revocation { get; }

    /// <summary>Builds an unsigned accreditation (sign it with <see cref="EddsaJcs2022.Sign"/>).</summary>
    /// <param name="id">The credential's id (a URL or <c>urn:uuid:</c>).</param>
    /// <param name="accreditor">The issuer.</param>
    /// <param name="provider">The accredited provider.</param>
    /// <param name="purposes">ETREAT and/or BTG.</param>
    /// <param name="validFrom">When it starts.</param>
    /// <param name="validUntil">When it ends (at most <see cref="MaxValidity"/> later).</param>
    /// <returns>The credential's JSON.</returns>
    /// <exception cref="ArgumentException">It would not be a well-formed accreditation.</exception>
    public static JsonObject Create(string id, Did accreditor, Did provider, IReadOnlyList<string> purposes, DateTimeOffset validFrom, DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(accreditor);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(purposes);
        var credential = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["id"] = id,
            ["type"] = new JsonArray(VerifiableCredential.CredentialType, CredentialType),
            ["issuer"] = accreditor.ToString(),
            ["validFrom"] = DataIntegrityProof.FormatTime(validFrom),
            ["validUntil"] = DataIntegrityProof.FormatTime(validUntil),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = provider.ToString(),
                ["purposeOfUse"] = new JsonArray([.. purposes.Select(p => (JsonNode)p)]),
            },
        };
        if (!VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(credential), out var read, out var modelError))
        {
            throw new ArgumentException($"The accreditation is not a well-formed credential: {modelError}.");
        }

        return TryRead(read, out _, out var problem) ? credential : throw new ArgumentException(problem);
    }

    /// <summary>Whether a credential's JSON names the accreditation type (before any other check).</summary>
    /// <param name="json">The credential's JSON (or a JWT payload).</param>
    /// <returns>Whether its <c>type</c> array holds <see cref="CredentialType"/>.</returns>
    public static bool NamesType(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array
        && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.ValueEquals(CredentialType));

    /// <summary>Reads an accreditation from a credential.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="accreditation">The accreditation.</param>
    /// <param name="problem">Why it is not one, in one line.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryRead(VerifiableCredential credential, [NotNullWhen(true)] out AccreditationCredential? accreditation, out string problem)
    {
        ArgumentNullException.ThrowIfNull(credential);
        accreditation = null;
        problem = Check(credential, out var accreditor, out var provider, out var purposes, out var revocation);
        if (problem.Length > 0)
        {
            return false;
        }

        accreditation = new AccreditationCredential(credential, accreditor!, provider!, purposes!, credential.ValidFrom!.Value, credential.ValidUntil!.Value, revocation);
        return true;
    }

    private static string Check(
        VerifiableCredential credential, out Did? accreditor, out Did? provider, out IReadOnlyList<string>? purposes, out BitstringStatusListEntry? revocation)
    {
        revocation = null;
        accreditor = null;
        provider = null;
        purposes = null;
        if (credential.Version != 2 || !credential.Types.Contains(CredentialType, StringComparer.Ordinal))
        {
            return "The credential is not a VC 2.0 EmergencyAccessAccreditation.";
        }

        if (!Did.TryParse(credential.Issuer, out accreditor, out _))
        {
            return "The issuer (the accreditor) must be a DID.";
        }

        if (credential.ValidFrom is not { } from || credential.ValidUntil is not { } until || until <= from || until - from > MaxValidity)
        {
            return "An accreditation needs validFrom and validUntil, at most 366 days apart.";
        }

        if (credential.Subjects.Count != 1 || JsonText.String(credential.Subjects[0], "id") is not { } subject || !Did.TryParse(subject, out provider, out _))
        {
            return "An accreditation has exactly one credentialSubject whose id (the provider) is a DID.";
        }

        if (!credential.Subjects[0].TryGetProperty("purposeOfUse", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > 2
            || list.EnumerateArray().Any(p => JsonText.String(p) is not { } purpose || !EmergencyPurposes.Contains(purpose, StringComparer.Ordinal)))
        {
            return "credentialSubject.purposeOfUse must list ETREAT and/or BTG.";
        }

        // A status, when there is one, must be a revocation entry the verifier can check: an unchecked status would be ignored.
        if (credential.Statuses.Count > 1
            || (credential.Statuses.Count == 1 && (!BitstringStatusListEntry.TryRead(credential.Statuses[0], out revocation, out _) || revocation.StatusPurpose != BitstringStatusListEntry.Revocation)))
        {
            return "An accreditation's credentialStatus, if any, is one BitstringStatusListEntry for revocation.";
        }

        purposes = [.. list.EnumerateArray().Select(p => JsonText.String(p)!).Distinct(StringComparer.Ordinal)];
        return "";
    }
}
