using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Credentials.Consent;

/// <summary>
/// A patient's consent (specs/consent-credential.md): a VC 2.0 credential issued by the patient's DID to a grantee DID,
/// naming what may be read, for which purposes of use, when, and where its revocation bit lives.
/// </summary>
public sealed partial class ConsentCredential
{
    /// <summary>The credential type.</summary>
    public const string CredentialType = "ConsentCredential";

    /// <summary>The JSON Schema the credential names in <c>credentialSchema</c>.</summary>
    public const string SchemaId = "https://identityehr.example/schemas/consent-credential/v1.json";

    private const int MaxListLength = 256;

    private ConsentCredential(VerifiableCredential credential, Did patient, Did grantee, ConsentScope scope, IReadOnlyList<string> purposes, BitstringStatusListEntry revocation)
    {
        Credential = credential;
        Patient = patient;
        Grantee = grantee;
        Scope = scope;
        PurposesOfUse = purposes;
        Revocation = revocation;
    }

    /// <summary>Gets the credential read.</summary>
    public VerifiableCredential Credential { get; }

    /// <summary>Gets the patient who consents (the issuer).</summary>
    public Did Patient { get; }

    /// <summary>Gets who is allowed (the subject).</summary>
    public Did Grantee { get; }

    /// <summary>Gets what may be read.</summary>
    public ConsentScope Scope { get; }

    /// <summary>Gets the HL7 v3 purposes of use allowed.</summary>
    public IReadOnlyList<string> PurposesOfUse { get; }

    /// <summary>Gets the revocation entry.</summary>
    public BitstringStatusListEntry Revocation { get; }

    /// <summary>Builds an unsecured consent credential for the patient's wallet to sign.</summary>
    /// <param name="id">The credential id, such as <c>urn:uuid:…</c>.</param>
    /// <param name="patient">The patient's DID (issuer).</param>
    /// <param name="grantee">The grantee's DID (subject).</param>
    /// <param name="scope">What may be read.</param>
    /// <param name="purposes">Purposes of use.</param>
    /// <param name="validFrom">When consent starts.</param>
    /// <param name="validUntil">When consent ends, if it does.</param>
    /// <param name="revocation">Where its revocation bit lives.</param>
    /// <returns>The credential JSON.</returns>
    public static JsonObject Create(
        string id, Did patient, Did grantee, ConsentScope scope, IReadOnlyList<string> purposes, DateTimeOffset validFrom, DateTimeOffset? validUntil,
        BitstringStatusListEntry revocation)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(grantee);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(purposes);
        ArgumentNullException.ThrowIfNull(revocation);
        var subject = new JsonObject { ["id"] = grantee.ToString() };
        if (scope.RecordTypes.Count > 0)
        {
            subject["recordTypes"] = new JsonArray([.. scope.RecordTypes.Select(t => (JsonNode)t)]);
        }

        if (scope.RecordIds.Count > 0)
        {
            subject["recordIds"] = new JsonArray([.. scope.RecordIds.Select(t => (JsonNode)t)]);
        }

        subject["purposeOfUse"] = new JsonArray([.. purposes.Select(p => (JsonNode)p)]);
        var credential = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["id"] = id,
            ["type"] = new JsonArray(VerifiableCredential.CredentialType, CredentialType),
            ["issuer"] = patient.ToString(),
            ["validFrom"] = DataIntegrityProof.FormatTime(validFrom),
        };
        if (validUntil is { } until)
        {
            credential["validUntil"] = DataIntegrityProof.FormatTime(until);
        }

        credential["credentialSubject"] = subject;
        credential["credentialStatus"] = revocation.ToJson();
        credential["credentialSchema"] = new JsonObject { ["id"] = SchemaId, ["type"] = "JsonSchema" };
        // Refuse to build what the verifier would refuse to read.
        if (!VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(credential), out var read, out var modelError))
        {
            throw new ArgumentException($"The consent is not a well-formed credential: {modelError}.");
        }

        return TryRead(read, out _, out var error) ? credential : throw new ArgumentException(Describe(error));
    }

    /// <summary>Reads a consent from a credential.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="consent">The consent.</param>
    /// <param name="error">Why it is not a well-formed consent.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryRead(VerifiableCredential credential, [NotNullWhen(true)] out ConsentCredential? consent, out ConsentError error)
    {
        ArgumentNullException.ThrowIfNull(credential);
        consent = null;
        error = Check(credential, out var patient, out var grantee, out var scope, out var purposes, out var revocation);
        if (error != ConsentError.None)
        {
            return false;
        }

        consent = new ConsentCredential(credential, patient!, grantee!, scope!, purposes!, revocation!);
        return true;
    }

    /// <summary>Describes an error in one line.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The description.</returns>
    public static string Describe(ConsentError error) => error switch
    {
        ConsentError.None => "No error.",
        ConsentError.NotConsent => "The credential is not a VC 2.0 ConsentCredential.",
        ConsentError.IssuerNotDid => "The issuer (the patient) must be a DID.",
        ConsentError.NotOneSubject => "A consent has exactly one credentialSubject.",
        ConsentError.GranteeNotDid => "credentialSubject.id (the grantee) must be a DID.",
        ConsentError.EmptyScope => "recordTypes or recordIds must name at least one record type or id, as arrays of strings.",
        ConsentError.InvalidRecordType => "A record type is not a FHIR R4 resource type name.",
        ConsentError.InvalidRecordId => "A record id must be 1-64 characters of A-Z, a-z, 0-9, '-' and '.'.",
        ConsentError.NoPurpose => "purposeOfUse must list at least one HL7 v3 PurposeOfUse code.",
        ConsentError.UnknownPurpose => "A purposeOfUse code is not one this service accepts (see specs/consent-credential.md).",
        ConsentError.NoValidFrom => "validFrom is required.",
        ConsentError.NoRevocationEntry => "credentialStatus must hold a BitstringStatusListEntry with statusPurpose revocation.",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Unknown consent error."),
    };

    // FHIR R4 resource type names are PascalCase ASCII letters; FHIR ids are [A-Za-z0-9\-\.]{1,64}.
    [GeneratedRegex("^[A-Z][A-Za-z]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceTypeName();

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RecordId();

    private static ConsentError Check(
        VerifiableCredential credential, out Did? patient, out Did? grantee, out ConsentScope? scope, out IReadOnlyList<string>? purposes,
        out BitstringStatusListEntry? revocation)
    {
        grantee = null;
        scope = null;
        purposes = null;
        revocation = null;
        patient = null;
        if (credential.Version != 2 || !credential.HasType(CredentialType))
        {
            return ConsentError.NotConsent;
        }

        if (!Did.TryParse(credential.Issuer, out patient, out _))
        {
            return ConsentError.IssuerNotDid;
        }

        if (credential.Subjects.Count != 1)
        {
            return ConsentError.NotOneSubject;
        }

        var subject = credential.Subjects[0];
        if (!Did.TryParse(JsonText.String(subject, "id"), out grantee, out _))
        {
            return ConsentError.GranteeNotDid;
        }

        var types = StringList(subject, "recordTypes");
        var ids = StringList(subject, "recordIds");
        if (types is null || ids is null || (types.Length == 0 && ids.Length == 0))
        {
            return ConsentError.EmptyScope;
        }

        if (!types.All(t => ResourceTypeName().IsMatch(t)))
        {
            return ConsentError.InvalidRecordType;
        }

        if (!ids.All(i => RecordId().IsMatch(i)))
        {
            return ConsentError.InvalidRecordId;
        }

        scope = new ConsentScope(types, ids);
        var purposeList = StringList(subject, "purposeOfUse");
        if (purposeList is not { Length: > 0 })
        {
            return ConsentError.NoPurpose;
        }

        if (!purposeList.All(PurposeOfUse.Codes.ContainsKey))
        {
            return ConsentError.UnknownPurpose;
        }

        purposes = purposeList;
        if (credential.ValidFrom is null)
        {
            return ConsentError.NoValidFrom;
        }

        foreach (var status in credential.Statuses)
        {
            if (BitstringStatusListEntry.TryRead(status, out var entry, out _) && entry.StatusPurpose == BitstringStatusListEntry.Revocation)
            {
                revocation = entry;
                return ConsentError.None;
            }
        }

        return ConsentError.NoRevocationEntry;
    }

    /// <summary>Reads an optional array of strings: absent is empty, anything but strings is <see langword="null"/>.</summary>
    private static string[]? StringList(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxListLength)
        {
            return null;
        }

        var items = value.EnumerateArray().Select(JsonText.String).OfType<string>().ToArray();
        return items.Length == value.GetArrayLength() ? items : null;
    }
}
