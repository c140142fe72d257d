using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Credentials.Verification;

/// <summary>
/// Answers "may this holder read this record now?" from a presentation carrying the patient's consent. The checks run in
/// the order of <see cref="AccessReason"/> and stop at the first failure; the decision carries the evidence the audit log
/// records. DIDs resolve through the <see cref="DidResolver"/> facade (and its cache); status lists are cached by their ttl.
/// </summary>
public sealed class ConsentVerifier
{
    private readonly DidResolver _resolver;
    private readonly ChallengeRegistry _challenges;
    private readonly IStatusListSource _statusLists;
    private readonly VerifierOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, CachedList> _listCache = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="ConsentVerifier"/> class.</summary>
    /// <param name="resolver">Resolves holder, issuer and status list issuer DIDs.</param>
    /// <param name="challenges">The challenges this service issued.</param>
    /// <param name="statusLists">Where status list credentials are fetched.</param>
    /// <param name="options">Domain, clock skew and trust.</param>
    /// <param name="timeProvider">The clock.</param>
    public ConsentVerifier(DidResolver resolver, ChallengeRegistry challenges, IStatusListSource statusLists, VerifierOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(challenges);
        ArgumentNullException.ThrowIfNull(statusLists);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _resolver = resolver;
        _challenges = challenges;
        _statusLists = statusLists;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Decides a request.</summary>
    /// <param name="presentation">The presentation's JSON bytes.</param>
    /// <param name="request">The record and purpose asked for.</param>
    /// <param name="cancellationToken">Cancels resolution and fetching.</param>
    /// <returns>The decision with its evidence.</returns>
    public async ValueTask<AccessDecision> VerifyAsync(ReadOnlyMemory<byte> presentation, AccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var evidence = new AccessEvidence();
        if (presentation.Length > _options.MaxPresentationBytes)
        {
            return new AccessDecision(AccessReason.MalformedPresentation, evidence);
        }

        // The presentation is single-use (its challenge), so the exact bytes received are the evidence. I-JSON is enforced
        // by the proof check, which canonicalizes everything but the proof value.
        evidence = evidence with { PresentationHash = Convert.ToHexStringLower(SHA256.HashData(presentation.Span)) };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(presentation, new JsonDocumentOptions { MaxDepth = JsonCanonicalizer.MaxDepth });
        }
        catch (JsonException)
        {
            return new AccessDecision(AccessReason.MalformedPresentation, evidence);
        }

        using var disposeDocument = document;
        if (!VerifiablePresentation.TryRead(document.RootElement, out var vp, out _) || !DataIntegrityProof.TryRead(vp.Json, out var vpProof, out _))
        {
            return new AccessDecision(AccessReason.MalformedPresentation, evidence);
        }

        // 1. Presentation proof and holder binding.
        var signer = await ResolveKeyAsync(vpProof, VerificationRelationship.Authentication, ProofOptions.Authentication, cancellationToken).ConfigureAwait(false);
        evidence = evidence with { Holder = signer.Did?.ToString(), HolderVersion = signer.Version };
        if (signer.Failure is { } signerFailure)
        {
            return new AccessDecision(signerFailure, evidence);
        }

        if (!EddsaJcs2022.TryVerify(vp.Json, signer.Key!, out _, out var vpError))
        {
            return new AccessDecision(vpError == DataIntegrityError.SignatureInvalid ? AccessReason.PresentationSignatureInvalid : AccessReason.MalformedPresentation, evidence);
        }

        var holder = signer.Did!;
        if (vp.Holder is not null && vp.Holder != holder.ToString())
        {
            return new AccessDecision(AccessReason.HolderNotSigner, evidence);
        }

        if (!string.Equals(vpProof.Domain, _options.Domain, StringComparison.Ordinal))
        {
            return new AccessDecision(AccessReason.WrongDomain, evidence);
        }

        var now = _timeProvider.GetUtcNow();
        if (vpProof.Expires is { } proofExpires && now > proofExpires + _options.ClockSkew)
        {
            return new AccessDecision(AccessReason.ChallengeExpired, evidence);
        }

        var challenge = _challenges.Consume(vpProof.Challenge) switch
        {
            ChallengeOutcome.Accepted => AccessReason.Granted,
            ChallengeOutcome.Replayed => AccessReason.ChallengeReplayed,
            ChallengeOutcome.Expired => AccessReason.ChallengeExpired,
            _ => AccessReason.ChallengeUnknown,
        };
        if (challenge != AccessReason.Granted)
        {
            return new AccessDecision(challenge, evidence);
        }

        // 2. The consent credential and its proof by the issuer's assertionMethod key.
        var consents = vp.Credentials.Where(NamesConsentType).ToList();
        if (consents.Count != 1)
        {
            return new AccessDecision(AccessReason.NoConsent, evidence);
        }

        var consentJson = consents[0];
        if (!VerifiableCredential.TryRead(consentJson, out var credential, out _)
            || !ConsentCredential.TryRead(credential, out var consent, out _)
            || !DataIntegrityProof.TryRead(consentJson, out var vcProof, out _))
        {
            return new AccessDecision(AccessReason.MalformedConsent, evidence);
        }

        evidence = evidence with { Issuer = consent.Patient.ToString() };
        var issuerKey = await ResolveKeyAsync(vcProof, VerificationRelationship.AssertionMethod, ProofOptions.AssertionMethod, cancellationToken).ConfigureAwait(false);
        evidence = evidence with { IssuerVersion = issuerKey.Version };
        if (issuerKey.Failure is { } issuerFailure)
        {
            return new AccessDecision(issuerFailure, evidence);
        }

        if (!issuerKey.Did!.Equals(consent.Patient))
        {
            // A key of some other DID cannot be under the issuer's assertionMethod.
            return new AccessDecision(AccessReason.IssuerKeyNotAssertionMethod, evidence);
        }

        if (!EddsaJcs2022.TryVerify(consentJson, issuerKey.Key!, out _, out var consentHash, out var vcError))
        {
            return new AccessDecision(vcError == DataIntegrityError.SignatureInvalid ? AccessReason.CredentialSignatureInvalid : AccessReason.MalformedConsent, evidence);
        }

        evidence = evidence with { CredentialHash = Convert.ToHexStringLower(consentHash) };

        // 3. Validity window with bounded skew.
        if (credential.ValidFrom is { } validFrom && now + _options.ClockSkew < validFrom)
        {
            return new AccessDecision(AccessReason.NotYetValid, evidence);
        }

        if (credential.ValidUntil is { } validUntil && now - _options.ClockSkew > validUntil)
        {
            return new AccessDecision(AccessReason.Expired, evidence);
        }

        // 4. Revocation.
        var list = await StatusListAsync(consent, cancellationToken).ConfigureAwait(false);
        if (list is null)
        {
            return new AccessDecision(AccessReason.StatusUnavailable, evidence);
        }

        evidence = evidence with { StatusListHash = list.Hash };
        if (list.List.TryGetStatus(consent.Revocation, out var status) != StatusListError.None)
        {
            return new AccessDecision(AccessReason.StatusUnavailable, evidence);
        }

        if (status != 0)
        {
            return new AccessDecision(AccessReason.Revoked, evidence);
        }

        // 5. Who consented, to whom, for what.
        if (!consent.Patient.Equals(request.Patient) && !request.Delegates.Contains(consent.Patient))
        {
            return new AccessDecision(AccessReason.WrongIssuer, evidence);
        }

        if (!consent.Grantee.Equals(holder))
        {
            return new AccessDecision(AccessReason.HolderNotSubject, evidence);
        }

        if (!consent.Scope.Covers(request.RecordType, request.RecordId))
        {
            return new AccessDecision(AccessReason.OutOfScope, evidence);
        }

        return new AccessDecision(
            consent.PurposesOfUse.Contains(request.PurposeOfUse, StringComparer.Ordinal) ? AccessReason.Granted : AccessReason.PurposeNotAllowed,
            evidence);
    }

    private static bool NamesConsentType(JsonElement credential) =>
        credential.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array
        && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.ValueEquals(ConsentCredential.CredentialType));

    private static string Hash(byte[] canonical) => Convert.ToHexStringLower(SHA256.HashData(canonical));

    private async ValueTask<ResolvedKey> ResolveKeyAsync(DataIntegrityProof proof, VerificationRelationship relationship, string purpose, CancellationToken cancellationToken)
    {
        var wrongRelationship = relationship == VerificationRelationship.Authentication
            ? AccessReason.PresentationKeyNotAuthentication
            : AccessReason.IssuerKeyNotAssertionMethod;
        if (!DidUrl.TryParse(proof.VerificationMethod, out var methodId, out _) || methodId.Fragment is null)
        {
            return new ResolvedKey(null, null, null, wrongRelationship);
        }

        var resolution = await _resolver.ResolveAsync(methodId.Did, null, cancellationToken).ConfigureAwait(false);
        if (!resolution.IsSuccess || resolution.DocumentMetadata.Deactivated == true)
        {
            return new ResolvedKey(methodId.Did, null, null, AccessReason.DidNotResolved);
        }

        var version = resolution.DocumentMetadata.VersionId;
        if (!string.Equals(proof.ProofPurpose, purpose, StringComparison.Ordinal)
            || resolution.DidDocument!.FindAuthorized(relationship, methodId) is not { } method
            || !method.TryGetPublicKey(out var key, out _))
        {
            return new ResolvedKey(methodId.Did, version, null, wrongRelationship);
        }

        return new ResolvedKey(methodId.Did, version, key, null);
    }

    private async ValueTask<CachedList?> StatusListAsync(ConsentCredential consent, CancellationToken cancellationToken)
    {
        var url = consent.Revocation.StatusListCredential;
        var now = _timeProvider.GetUtcNow();
        if (_listCache.TryGetValue(url, out var cached) && now < cached.Until)
        {
            return cached;
        }

        var bytes = await _statusLists.FetchAsync(url, cancellationToken).ConfigureAwait(false);
        if (bytes is null || !JsonCanonicalizer.TryCanonicalize(bytes, out var canonical, out _))
        {
            return null;
        }

        using var document = JsonDocument.Parse(bytes);
        var json = document.RootElement;
        if (!BitstringStatusList.TryRead(json, out var list, out _) || list.Id != url
            || !(list.Issuer == consent.Patient.ToString() || _options.TrustedStatusListIssuers.Contains(list.Issuer, StringComparer.Ordinal))
            || (list.ValidFrom is { } from && now + _options.ClockSkew < from)
            || (list.ValidUntil is { } until && now - _options.ClockSkew > until)
            || !DataIntegrityProof.TryRead(json, out var proof, out _))
        {
            return null;
        }

        var signer = await ResolveKeyAsync(proof, VerificationRelationship.AssertionMethod, ProofOptions.AssertionMethod, cancellationToken).ConfigureAwait(false);
        if (signer.Failure is not null || signer.Did!.ToString() != list.Issuer || !EddsaJcs2022.TryVerify(json, signer.Key!, out _, out _))
        {
            return null;
        }

        var entry = new CachedList(list, Hash(canonical), list.CacheUntil(now, _options.DefaultStatusListTtl));
        _listCache[url] = entry;
        return entry;
    }

    private sealed record ResolvedKey(Did? Did, string? Version, PublicKey? Key, AccessReason? Failure);

    private sealed record CachedList(BitstringStatusList List, string Hash, DateTimeOffset Until);
}
