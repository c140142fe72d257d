using System.Text.Json;
using IdentityEhr.Api.Access;
using IdentityEhr.Api.Log;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Resolution;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Consents;

/// <summary>
/// Publishing a status list, the one way a consent is revoked: the list must be the caller's own, signed, at its URL, and may
/// only set revocation bits (revocation cannot be undone, as the Bitstring Status List spec says of that purpose). Every
/// registered consent whose bit the new list sets gets its <c>ConsentRevoked</c> event, and the verifier forgets the old list at
/// once, so the next access is denied.
/// </summary>
internal sealed class StatusListPublisher(AuditLogService log, DidResolver resolver, AccessVerifier access, TimeProvider time) : IDisposable
{
    /// <summary>The largest decompressed bitstring hosted.</summary>
    public const int MaxBitstringBytes = 1024 * 1024;

    /// <summary>
    /// Serializes publications in this instance (all lists: publications are rare), so two cannot both read the same old list
    /// and pass the no-clearing check. Several instances would need a compare-and-swap on the row (not built; decision 0012).
    /// </summary>
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<(StatusListResponse? Published, IReadOnlyList<Revocation> Revoked, ProblemHttpResult? Problem)> PublishAsync(
        string id, ReadOnlyMemory<byte> body, Did caller, string url, CancellationToken cancellationToken, int? mustRevoke = null)
    {
        JsonElement credential;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            credential = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Refuse(StatusCodes.Status400BadRequest, "bad-json", "Not JSON", "the body must be a BitstringStatusListCredential as JSON");
        }

        if (!BitstringStatusList.TryRead(credential, out var list, out var error))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "invalid-status-list", "Not a status list", $"not a BitstringStatusListCredential: {error}");
        }

        // A hosted list is small (the minimum 131,072 entries are 16 KiB): bounded, so that lists cannot fill the verifier's cache.
        if (list.Bitstring.Bytes.Length > MaxBitstringBytes)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "list-too-large", "List too large",
                $"a hosted list holds at most {MaxBitstringBytes * 8:N0} one-bit entries ({MaxBitstringBytes / 1024} KiB decompressed)");
        }

        // The list's id is the URL it is read from; a verifier compares them, so a list published elsewhere would never count.
        if (list.Id != url)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "wrong-id", "Wrong id", $"the credential's id must be the URL it is published at: {url}");
        }

        if (list.Issuer != caller.ToString())
        {
            return Refuse(StatusCodes.Status403Forbidden, "not-the-issuer", "Not the issuer", "only the list's issuer may publish it");
        }

        // A revocation request must set the consent's bit; otherwise nothing is published.
        if (mustRevoke is { } index
            && (list.StatusPurpose != BitstringStatusListEntry.Revocation
                || list.TryGetStatus(new BitstringStatusListEntry(null, BitstringStatusListEntry.Revocation, index, url), out var required) != StatusListError.None || required == 0))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "bit-not-set", "Consent not revoked by this list",
                $"the list does not set the consent's revocation bit (index {index}); nothing was published");
        }

        var proof = await IssuerProof.VerifyAsync(credential, resolver, cancellationToken);
        if (proof.Failure is { } failure)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "invalid-proof", "Proof does not verify", $"the list's proof does not verify by a key under its issuer's assertionMethod ({failure})");
        }

        var store = log.Store;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var old = await store.StatusLists.GetAsync(id, cancellationToken) is { } oldBytes ? Read(oldBytes) : null;
            if (old is not null && old.Issuer != list.Issuer)
            {
                return Refuse(StatusCodes.Status403Forbidden, "not-the-issuer", "Not the issuer", "another issuer published the list at this URL");
            }

            // A list's purpose and entry size are fixed once published: otherwise a detour through "suspension" could clear a
            // revocation bit that this check protects.
            if (old is not null && (old.StatusPurpose != list.StatusPurpose || old.Bitstring.StatusSize != list.Bitstring.StatusSize))
            {
                return Refuse(StatusCodes.Status409Conflict, "purpose-changed", "Purpose cannot change",
                    $"the list at this URL is a {old.StatusPurpose} list of {old.Bitstring.StatusSize}-bit entries; publish another purpose at another URL");
            }

            if (old is not null && old.StatusPurpose == BitstringStatusListEntry.Revocation && Clears(old.Bitstring, list.Bitstring))
            {
                return Refuse(StatusCodes.Status409Conflict, "unrevoke", "Revocation cannot be undone",
                    "the new list clears a revocation bit the published list has set; revoked consents stay revoked (issue a new consent instead)");
            }

            if (!await store.StatusLists.PutAsync(id, list.Issuer, body, time.GetUtcNow(), cancellationToken))
            {
                return Refuse(StatusCodes.Status403Forbidden, "not-the-issuer", "Not the issuer", "another issuer published the list at this URL");
            }

            access.Verifier.ForgetStatusList(url);

            // The same hash the verifier records for a list it checked: SHA-256 of the list's JCS form.
            var listHash = JsonCanonicalizer.TryCanonicalize(body.Span, out var canonical, out _)
                ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(canonical))
                : null;

            // Each registered consent whose bit is set now and has no ConsentRevoked yet gets one (a crash before this point leaves
            // the bit set, so the next publication of the list logs it).
            var revoked = new List<Revocation>();
            foreach (var consent in await store.Consents.InListAsync(url, cancellationToken))
            {
                // Only the list's issuer's own consents: registration checks it too, this keeps a publication from speaking for others.
                if (consent.Record.Patient != list.Issuer)
                {
                    continue;
                }

                var entry = new BitstringStatusListEntry(null, BitstringStatusListEntry.Revocation, consent.Record.StatusIndex, url);
                if (consent.IsRevoked || list.StatusPurpose != BitstringStatusListEntry.Revocation || list.TryGetStatus(entry, out var bit) != StatusListError.None || bit == 0)
                {
                    continue;
                }

                var now = time.GetUtcNow();
                var revocation = new AuditEntry
                {
                    Type = AuditEventType.ConsentRevoked,
                    Id = Guid.CreateVersion7(now),
                    Time = AuditEntry.EntryTime(now),
                    Actor = caller.ToString(),
                    Subject = consent.Record.Patient,
                    Consent = consent.Record.Consent,
                    Evidence = new AuditEvidence(Issuer: caller.ToString(), IssuerVersion: proof.SignerVersion, StatusList: listHash),
                };
                await store.AppendAsync(ConsentEndpoints.Stream(consent.Record.Consent), Storage.Events.ExpectedVersion.Any, [revocation], cancellationToken);
                revoked.Add(new Revocation(consent.Record.Consent, revocation.Id));
            }

            return (new StatusListResponse(id, list.Issuer, list.Id), revoked, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static BitstringStatusList? Read(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        return BitstringStatusList.TryRead(document.RootElement, out var list, out _) ? list : null;
    }

    /// <summary>Whether <paramref name="next"/> clears a bit <paramref name="previous"/> has set.</summary>
    private static bool Clears(Bitstring previous, Bitstring next)
    {
        var a = previous.Bytes;
        var b = next.Bytes;
        for (var i = 0; i < a.Length; i++)
        {
            if ((a[i] & ~(i < b.Length ? b[i] : 0)) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static (StatusListResponse?, IReadOnlyList<Revocation>, ProblemHttpResult?) Refuse(int status, string type, string title, string detail) =>
        (null, [], ApiProblems.Of(StatusListEndpoints.ProblemBase, status, type, title, detail));
}

/// <summary>A consent revoked by a publication, and its <c>ConsentRevoked</c> event.</summary>
/// <param name="Consent">The consent's id.</param>
/// <param name="Event">The event's id (its receipt is at <c>/log/receipts/{event}</c>).</param>
internal sealed record Revocation(string Consent, Guid Event);
