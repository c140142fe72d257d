using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Emergency;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Json;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Credentials.Verification;

/// <summary>
/// Answers "may this holder read this record now?" from a presentation carrying the patient's consent. The checks run in
/// the order of <see cref="AccessReason"/> and stop at the first failure; the decision carries the evidence the audit log
/// records. DIDs resolve through the <see cref="DidResolver"/> facade (and its cache); status lists are cached by their ttl.
/// </summary>
public sealed class ConsentVerifier
{
    private static readonly SearchValues<byte> s_compactCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."u8);

    // Consent signatures that verified (a provider presents the same consent with every access); why this is safe is in
    // VerifiedProofCache. Only the consent's proof: the presentation's is fresh for each challenge.
    private readonly VerifiedProofCache _verifiedConsents = new();

    private readonly DidResolver _resolver;
    private readonly ChallengeRegistry _challenges;
    private readonly IStatusListSource _statusLists;
    private readonly VerifierOptions _options;
    private readonly TimeProvider _timeProvider;
    /// <summary>The most status lists cached (each at most the size the source allows; the service hosts lists of ≤ 1 MiB).</summary>
    private const int MaxCachedLists = 1024;

    private readonly ConcurrentDictionary<string, CachedList> _listCache = new(StringComparer.Ordinal);
    private long _listGeneration;

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
    /// <param name="presentation">
    /// The presentation: JSON secured with Data Integrity, or a compact <c>vp+jwt</c> (VC-JOSE-COSE) as ASCII bytes.
    /// </param>
    /// <param name="request">The record and purpose asked for.</param>
    /// <param name="cancellationToken">Cancels resolution and fetching.</param>
    /// <returns>The decision with its evidence.</returns>
    public async ValueTask<AccessDecision> VerifyAsync(ReadOnlyMemory<byte> presentation, AccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (vp, evidence, failed) = await AuthenticateAsync(presentation, cancellationToken).ConfigureAwait(false);
        if (failed is not null)
        {
            return failed;
        }

        var holder = vp!.Holder!;
        var now = _timeProvider.GetUtcNow();

        // 2. The consent credential and its proof by the issuer's assertionMethod key.
        var candidates = vp.Presentation!.Credentials.Select(ConsentCandidate).Where(c => c is not null).ToList();
        if (candidates.Count != 1)
        {
            return new AccessDecision(AccessReason.NoConsent, evidence);
        }

        var checkedConsent = candidates[0]!.Value.Jwt is { } jwt
            ? await CheckJoseConsentAsync(jwt, cancellationToken).ConfigureAwait(false)
            : await CheckDataIntegrityConsentAsync(candidates[0]!.Value.Json, cancellationToken).ConfigureAwait(false);
        evidence = evidence with { Issuer = checkedConsent.Issuer, IssuerVersion = checkedConsent.IssuerVersion, CredentialHash = checkedConsent.Hash };
        if (checkedConsent.Failure is { } consentFailure)
        {
            return new AccessDecision(consentFailure, evidence);
        }

        var consent = checkedConsent.Consent!;
        var credential = consent.Credential;
        evidence = evidence with { Credential = credential.Id };

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
        var list = await StatusListAsync(consent.Revocation, consent.Patient, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Decides a break-glass request: the same presentation checks as <see cref="VerifyAsync"/>, then, instead of a consent, an
    /// <see cref="AccreditationCredential"/> from an accreditor in <see cref="VerifierOptions.TrustedAccreditors"/> naming the
    /// holder and the request's emergency purpose, within its validity window and not revoked. No patient consent is looked at.
    /// </summary>
    /// <param name="presentation">The presentation carrying the accreditation (Data Integrity JSON, or a compact <c>vp+jwt</c>).</param>
    /// <param name="request">The record and the emergency purpose (ETREAT or BTG).</param>
    /// <param name="cancellationToken">Cancels resolution.</param>
    /// <returns>The decision; its evidence names the accreditation (issuer, hash) in place of a consent.</returns>
    public async ValueTask<AccessDecision> VerifyEmergencyAsync(ReadOnlyMemory<byte> presentation, AccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (vp, evidence, failed) = await AuthenticateAsync(presentation, cancellationToken).ConfigureAwait(false);
        if (failed is not null)
        {
            return failed;
        }

        var holder = vp!.Holder!;
        var candidates = vp.Presentation!.Credentials.Select(AccreditationCandidate).Where(c => c is not null).ToList();
        if (candidates.Count != 1)
        {
            return new AccessDecision(AccessReason.NoAccreditation, evidence);
        }

        var (json, jwt, issuer) = candidates[0]!.Value;
        // Trust is checked before any resolution: an unknown accreditor's credential costs nothing to refuse.
        if (!_options.TrustedAccreditors.Contains(issuer, StringComparer.Ordinal))
        {
            // The claimed issuer is unverified text: it names nobody in the evidence.
            return new AccessDecision(AccessReason.UntrustedAccreditor, evidence);
        }

        var check = jwt is not null
            ? await IssuerProof.VerifyAsync(jwt, _resolver, cancellationToken).ConfigureAwait(false)
            : await IssuerProof.VerifyAsync(json, _resolver, cancellationToken).ConfigureAwait(false);
        evidence = evidence with { Issuer = check.Signer?.ToString(), IssuerVersion = check.SignerVersion, CredentialHash = check.Hash };
        if (check.Failure is { } failure)
        {
            return new AccessDecision(failure == AccessReason.MalformedConsent ? AccessReason.NoAccreditation : failure, evidence);
        }

        if (!AccreditationCredential.TryRead(check.Credential!, out var accreditation, out _) || accreditation.Accreditor.ToString() != issuer)
        {
            return new AccessDecision(AccessReason.NoAccreditation, evidence);
        }

        evidence = evidence with { Credential = accreditation.Credential.Id };

        var now = _timeProvider.GetUtcNow();
        if (now + _options.ClockSkew < accreditation.ValidFrom)
        {
            return new AccessDecision(AccessReason.NotYetValid, evidence);
        }

        if (now - _options.ClockSkew > accreditation.ValidUntil)
        {
            return new AccessDecision(AccessReason.Expired, evidence);
        }

        if (accreditation.Revocation is { } revocation)
        {
            var list = await StatusListAsync(revocation, accreditation.Accreditor, cancellationToken).ConfigureAwait(false);
            if (list is null || list.List.TryGetStatus(revocation, out var status) != StatusListError.None)
            {
                return new AccessDecision(AccessReason.StatusUnavailable, evidence with { StatusListHash = list?.Hash });
            }

            evidence = evidence with { StatusListHash = list.Hash };
            if (status != 0)
            {
                return new AccessDecision(AccessReason.Revoked, evidence);
            }
        }

        if (!accreditation.Provider.Equals(holder))
        {
            return new AccessDecision(AccessReason.HolderNotSubject, evidence);
        }

        return new AccessDecision(
            accreditation.PurposesOfUse.Contains(request.PurposeOfUse, StringComparer.Ordinal) ? AccessReason.Granted : AccessReason.PurposeNotAllowed, evidence);
    }

    /// <summary>Forgets a cached status list, so the next decision reads it again (the host calls this when a list it hosts changes).</summary>
    /// <param name="statusListUrl">The list's URL (its id).</param>
    public void ForgetStatusList(string statusListUrl)
    {
        ArgumentNullException.ThrowIfNull(statusListUrl);

        // A fetch that began before this call must not cache what it read: the generation it saw is now stale.
        Interlocked.Increment(ref _listGeneration);
        _listCache.TryRemove(statusListUrl, out _);
    }

    /// <summary>Stage 1, shared by consent and emergency access: the presentation's proof, holder binding, domain and challenge.</summary>
    private async ValueTask<(PresentationCheck? Presentation, AccessEvidence Evidence, AccessDecision? Failed)> AuthenticateAsync(
        ReadOnlyMemory<byte> presentation, CancellationToken cancellationToken)
    {
        var evidence = new AccessEvidence();
        if (presentation.Length > _options.MaxPresentationBytes)
        {
            return (null, evidence, new AccessDecision(AccessReason.MalformedPresentation, evidence));
        }

        // The presentation is single-use (its challenge), so the exact bytes received are the evidence. I-JSON is enforced
        // by the proof check, which canonicalizes everything but the proof value.
        evidence = evidence with { PresentationHash = Convert.ToHexStringLower(SHA256.HashData(presentation.Span)) };
        var vp = IsCompact(presentation.Span)
            ? await CheckJosePresentationAsync(Encoding.ASCII.GetString(presentation.Span), cancellationToken).ConfigureAwait(false)
            : await CheckDataIntegrityPresentationAsync(presentation, cancellationToken).ConfigureAwait(false);
        evidence = evidence with { Holder = vp.Holder?.ToString(), HolderVersion = vp.HolderVersion };
        if (vp.Failure is { } presentationFailure)
        {
            return (null, evidence, new AccessDecision(presentationFailure, evidence));
        }

        var holder = vp.Holder!;
        if (vp.Presentation!.Holder is not null && vp.Presentation.Holder != holder.ToString())
        {
            return (null, evidence, new AccessDecision(AccessReason.HolderNotSigner, evidence));
        }

        if (!string.Equals(vp.Domain, _options.Domain, StringComparison.Ordinal))
        {
            return (null, evidence, new AccessDecision(AccessReason.WrongDomain, evidence));
        }

        var now = _timeProvider.GetUtcNow();
        if (vp.Expires is { } proofExpires && now > proofExpires + _options.ClockSkew)
        {
            return (null, evidence, new AccessDecision(AccessReason.ChallengeExpired, evidence));
        }

        var challenge = _challenges.Consume(vp.Challenge) switch
        {
            ChallengeOutcome.Accepted => AccessReason.Granted,
            ChallengeOutcome.Replayed => AccessReason.ChallengeReplayed,
            ChallengeOutcome.Expired => AccessReason.ChallengeExpired,
            _ => AccessReason.ChallengeUnknown,
        };
        return challenge != AccessReason.Granted ? (null, evidence, new AccessDecision(challenge, evidence)) : (vp, evidence, null);
    }

    /// <summary>Picks out an accreditation (Data Integrity JSON, or an enveloped vc+jwt) and its claimed issuer.</summary>
    private static (JsonElement Json, string? Jwt, string Issuer)? AccreditationCandidate(JsonElement credential)
    {
        if (AccreditationCredential.NamesType(credential))
        {
            return JsonText.String(credential, "issuer") is { } issuer ? (credential, null, issuer) : null;
        }

        if (Enveloped(credential) is not { } jws || !CompactJws.TryDecode(jws, out var decoded, out _))
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(decoded.Payload);
            var root = payload.RootElement;
            return AccreditationCredential.NamesType(root) && JsonText.String(root, "issuer") is { } issuer ? (credential, jws, issuer) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Enveloped(JsonElement credential)
    {
        const string Prefix = "data:application/vc+jwt,";
        return JsonText.String(credential, "type") == "EnvelopedVerifiableCredential" && JsonText.String(credential, "id") is { } id
            && id.StartsWith(Prefix, StringComparison.Ordinal)
            ? id[Prefix.Length..]
            : null;
    }

    /// <summary>A compact JWS is base64url parts and dots; JSON starts with a brace (after any whitespace).</summary>
    private static bool IsCompact(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 0 && bytes.IndexOfAnyExcept(s_compactCharacters) < 0;

    private async ValueTask<PresentationCheck> CheckDataIntegrityPresentationAsync(ReadOnlyMemory<byte> presentation, CancellationToken cancellationToken)
    {
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(presentation, new JsonDocumentOptions { MaxDepth = JsonCanonicalizer.MaxDepth });
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return PresentationCheck.Failed(AccessReason.MalformedPresentation);
        }

        if (!VerifiablePresentation.TryRead(json, out var vp, out _) || !DataIntegrityProof.TryRead(vp.Json, out var proof, out _))
        {
            return PresentationCheck.Failed(AccessReason.MalformedPresentation);
        }

        var signer = await IssuerProof.ResolveKeyAsync(proof, VerificationRelationship.Authentication, ProofOptions.Authentication, _resolver, cancellationToken).ConfigureAwait(false);
        if (signer.Failure is { } failure)
        {
            return PresentationCheck.Failed(failure) with { Holder = signer.Did, HolderVersion = signer.Version };
        }

        if (!EddsaJcs2022.TryVerify(vp.Json, signer.Key!, out _, out var error))
        {
            var reason = error == DataIntegrityError.SignatureInvalid ? AccessReason.PresentationSignatureInvalid : AccessReason.MalformedPresentation;
            return PresentationCheck.Failed(reason) with { Holder = signer.Did, HolderVersion = signer.Version };
        }

        return new PresentationCheck(null, signer.Did, signer.Version, vp, proof.Domain, proof.Challenge, proof.Expires);
    }

    private async ValueTask<PresentationCheck> CheckJosePresentationAsync(string compact, CancellationToken cancellationToken)
    {
        var verification = await JoseCredentials.VerifyAsync(compact, VerificationRelationship.Authentication, _resolver, cancellationToken).ConfigureAwait(false);
        var reason = verification.Error switch
        {
            JoseError.None => (AccessReason?)null,
            JoseError.DidNotResolved => AccessReason.DidNotResolved,
            JoseError.KeyNotAuthorized or JoseError.AlgorithmKeyMismatch => AccessReason.PresentationKeyNotAuthentication,
            JoseError.SignatureInvalid => AccessReason.PresentationSignatureInvalid,
            _ => AccessReason.MalformedPresentation,
        };
        if (reason is { } failure)
        {
            return PresentationCheck.Failed(failure) with { Holder = verification.Signer, HolderVersion = verification.SignerVersion };
        }

        var claims = verification.Claims!.Value;
        if (!VerifiablePresentation.TryRead(verification.Document!.Value, out var vp, out _))
        {
            return PresentationCheck.Failed(AccessReason.MalformedPresentation) with { Holder = verification.Signer, HolderVersion = verification.SignerVersion };
        }

        // aud may be one string or an array; it binds the presentation to this service when it names this service.
        var audience = claims.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.Array
            ? aud.EnumerateArray().Select(JsonText.String).FirstOrDefault(a => a == _options.Domain) ?? JsonText.String(aud[0])
            : JsonText.String(claims, "aud");
        DateTimeOffset? expires = claims.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) && seconds is > 0 and < 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        return new PresentationCheck(null, verification.Signer, verification.SignerVersion, vp, audience, JsonText.String(claims, "nonce"), expires);
    }

    /// <summary>Picks out a consent: a Data Integrity credential typed ConsentCredential, or an enveloped vc+jwt whose payload is one.</summary>
    private static (JsonElement Json, string? Jwt)? ConsentCandidate(JsonElement credential)
    {
        if (NamesConsentType(credential))
        {
            return (credential, null);
        }

        if (Enveloped(credential) is not { } compact || !CompactJws.TryDecode(compact, out var jws, out _))
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(jws.Payload);
            return NamesConsentType(payload.RootElement) || (payload.RootElement.TryGetProperty("vc", out var vc) && NamesConsentType(vc))
                ? (credential, compact)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async ValueTask<ConsentCheck> CheckDataIntegrityConsentAsync(JsonElement json, CancellationToken cancellationToken)
    {
        // The consent's shape first: nothing is resolved for a document that cannot be a consent.
        if (!VerifiableCredential.TryRead(json, out var credential, out _) || !ConsentCredential.TryRead(credential, out var consent, out _)
            || !DataIntegrityProof.TryRead(json, out var proof, out _))
        {
            return new ConsentCheck(AccessReason.MalformedConsent, null, null, null, null);
        }

        var check = await IssuerProof.VerifyAsync(credential, proof, _resolver, _verifiedConsents, cancellationToken).ConfigureAwait(false);
        return check.Failure is { } failure
            ? new ConsentCheck(failure, null, consent.Patient.ToString(), check.SignerVersion, null)
            : new ConsentCheck(null, consent, consent.Patient.ToString(), check.SignerVersion, check.Hash);
    }

    private async ValueTask<ConsentCheck> CheckJoseConsentAsync(string jwt, CancellationToken cancellationToken)
    {
        var check = await IssuerProof.VerifyAsync(jwt, _resolver, cancellationToken).ConfigureAwait(false);
        var issuer = check.Signer?.ToString();
        if (check.Failure is { } failure)
        {
            return new ConsentCheck(failure, null, issuer, check.SignerVersion, null);
        }

        return ConsentCredential.TryRead(check.Credential!, out var consent, out _)
            ? new ConsentCheck(null, consent, issuer, check.SignerVersion, check.Hash)
            : new ConsentCheck(AccessReason.MalformedConsent, null, issuer, check.SignerVersion, null);
    }

    private static bool NamesConsentType(JsonElement credential) =>
        credential.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array
        && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.ValueEquals(ConsentCredential.CredentialType));

    private static string Hash(byte[] canonical) => Convert.ToHexStringLower(SHA256.HashData(canonical));

    /// <summary>Reads a status list that <paramref name="issuer"/> (or a trusted list issuer) signed, from the cache or the source.</summary>
    private async ValueTask<CachedList?> StatusListAsync(BitstringStatusListEntry entry, Did issuer, CancellationToken cancellationToken)
    {
        var url = entry.StatusListCredential;
        var now = _timeProvider.GetUtcNow();
        if (_listCache.TryGetValue(url, out var cached) && now < cached.Until)
        {
            // The cache is by URL; whose list it is still has to match who is asking.
            return IssuedBy(cached.List, issuer) ? cached : null;
        }

        var generation = Interlocked.Read(ref _listGeneration);
        var bytes = await _statusLists.FetchAsync(url, cancellationToken).ConfigureAwait(false);
        if (bytes is null || !JsonCanonicalizer.TryCanonicalize(bytes, out var canonical, out _))
        {
            return null;
        }

        using var document = JsonDocument.Parse(bytes);
        var json = document.RootElement;
        if (!BitstringStatusList.TryRead(json, out var list, out _) || list.Id != url
            || !IssuedBy(list, issuer)
            || (list.ValidFrom is { } from && now + _options.ClockSkew < from)
            || (list.ValidUntil is { } until && now - _options.ClockSkew > until))
        {
            return null;
        }

        // The list is a credential like any other: signed by a key under its issuer's assertionMethod.
        if ((await IssuerProof.VerifyAsync(json, _resolver, cancellationToken).ConfigureAwait(false)).Failure is not null)
        {
            return null;
        }

        var fetched = new CachedList(list, Hash(canonical), list.CacheUntil(now, _options.DefaultStatusListTtl));
        if (Interlocked.Read(ref _listGeneration) == generation)
        {
            if (_listCache.Count >= MaxCachedLists)
            {
                // Bounded: expired entries go first; if that is not enough, all (it is only a cache).
                foreach (var (key, cachedList) in _listCache)
                {
                    if (cachedList.Until <= now)
                    {
                        _listCache.TryRemove(key, out _);
                    }
                }

                if (_listCache.Count >= MaxCachedLists)
                {
                    _listCache.Clear();
                }
            }

            _listCache[url] = fetched;
        }

        return fetched;
    }

    private bool IssuedBy(BitstringStatusList list, Did issuer) =>
        list.Issuer == issuer.ToString() || _options.TrustedStatusListIssuers.Contains(list.Issuer, StringComparer.Ordinal);

    private sealed record PresentationCheck(
        AccessReason? Failure, Did? Holder, string? HolderVersion, VerifiablePresentation? Presentation, string? Domain, string? Challenge, DateTimeOffset? Expires)
    {
        public static PresentationCheck Failed(AccessReason reason) => new(reason, null, null, null, null, null, null);
    }

    private sealed record ConsentCheck(AccessReason? Failure, ConsentCredential? Consent, string? Issuer, string? IssuerVersion, string? Hash);

    private sealed record CachedList(BitstringStatusList List, string Hash, DateTimeOffset Until);
}
