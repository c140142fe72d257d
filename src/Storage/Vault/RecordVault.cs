using System.Security.Cryptography;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Storage.Events;
using IdentityEhr.Storage.Internal;
using Npgsql;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// The record vault: FHIR records kept encrypted, one random 256-bit data key per version, wrapped by the custody key; keys
/// released only for a granted decision, as a JWE to the requester's key-agreement key; erasure by destroying keys and
/// ciphertext (crypto-shredding). Every change is an event of the audit log, committed in the same transaction as the vault's
/// rows (<c>RecordStored</c>, <c>RecordErased</c>), and every release appends <c>AccessGranted</c> before the key leaves.
/// </summary>
/// <remarks>
/// The vault never sees a record's meaning: the caller validates FHIR, and the vault keeps the exact bytes it was given. Record
/// versions live in the stream <c>record:&lt;id&gt;</c>, whose expected version makes concurrent updates of one record
/// conflict instead of both becoming version n + 1.
/// </remarks>
public sealed class RecordVault
{
    /// <summary>The largest record accepted, in bytes.</summary>
    public const int MaxRecordBytes = 4 * 1024 * 1024;

    private const int RotationBatch = 500;

    private readonly EventStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly BlobDirectory? _directory;
    private readonly TimeProvider _time;
    private readonly Lock _rotation = new();
    private int _rotating;
    private readonly VersionReads _reads;
    private KeyUse _keys;

    /// <summary>Opens the vault on an event store.</summary>
    /// <param name="store">The event store whose log records every change.</param>
    /// <param name="options">The settings.</param>
    public RecordVault(EventStore store, RecordVaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.CustodyKeys);
        _store = store;
        _dataSource = store.DataSource;
        _directory = options.BlobDirectory is { } folder ? new BlobDirectory(folder) : null;
        _time = options.TimeProvider;
        _keys = new KeyUse(options.CustodyKeys);
        _reads = new VersionReads(_dataSource);
    }

    /// <summary>Gets the id of the custody key new data keys are wrapped with.</summary>
    public string CurrentCustodyKeyId => Volatile.Read(ref _keys).Ring.Current.Id;

    /// <summary>Stores a new record, or a new version of one, and appends its <c>RecordStored</c> event in the same commit.</summary>
    /// <param name="submission">What to store.</param>
    /// <param name="cancellationToken">Stops waiting; the store may still commit.</param>
    /// <returns>The stored version.</returns>
    /// <exception cref="ArgumentException">A DID or the resource type is malformed.</exception>
    /// <exception cref="RecordVaultException">
    /// <see cref="VaultError.InvalidSize"/>, or for a new version <see cref="VaultError.NotFound"/>, <see cref="VaultError.Erased"/>,
    /// <see cref="VaultError.PatientMismatch"/>, <see cref="VaultError.ResourceTypeMismatch"/> or <see cref="VaultError.VersionConflict"/>.
    /// </exception>
    /// <exception cref="DatabaseUnavailableException">PostgreSQL failed.</exception>
    public async Task<StoredRecord> PutAsync(RecordSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Content.Length is 0 or > MaxRecordBytes)
        {
            throw new RecordVaultException(VaultError.InvalidSize, $"A record is 1 to {MaxRecordBytes} bytes; this one is {submission.Content.Length}.");
        }

        CheckResourceType(submission.ResourceType);
        var now = _time.GetUtcNow();
        string recordId;
        int version;
        if (submission.RecordId is null)
        {
            recordId = Guid.CreateVersion7(now).ToString();
            version = 1;
        }
        else
        {
            recordId = CheckRecordId(submission.RecordId);
            var latest = await LatestAsync(recordId, cancellationToken).ConfigureAwait(false);
            if (latest.Patient != submission.Patient)
            {
                throw new RecordVaultException(VaultError.PatientMismatch, $"Record {recordId} belongs to another patient; a new version keeps the record's patient.");
            }

            if (latest.ResourceType != submission.ResourceType)
            {
                throw new RecordVaultException(
                    VaultError.ResourceTypeMismatch, $"Record {recordId} is a {latest.ResourceType}; a new version cannot be a {submission.ResourceType}.");
            }

            version = latest.Version + 1;
        }

        var entry = Entry(AuditEventType.RecordStored, now, submission.Author, submission.Patient, recordId);
        var address = new RecordAddress(recordId, submission.Patient, submission.ResourceType, version);
        var use = EnterKeys();
        Task<Events.AppendResult>? append = null;
        try
        {
            var custody = use.Ring.Current;
            var dataKey = RecordCipher.NewDataKey();
            byte[] ciphertext;
            byte[] wrapped;
            try
            {
                ciphertext = RecordCipher.Seal(dataKey, address, submission.Content.Span);
                wrapped = custody.Wrap(dataKey, address);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }

            var cid = ContentId.Of(ciphertext).Text;
            if (_directory is not null)
            {
                await _directory.WriteAsync(cid, ciphertext, cancellationToken).ConfigureAwait(false);
            }

            var attachment = new VaultAttachment(
                recordId, version, submission.Patient, submission.Author, submission.ResourceType, cid, ciphertext.Length, custody.Id, wrapped,
                _directory is null ? ciphertext : null);
            try
            {
                // The append is not cancelled with the caller: once queued it may commit, and until it has, the row it carries
                // names this ring's key, so the ring stays claimed (a rotation waits for it) even when the caller stops waiting.
                append = _store.AppendAsync(
                    StreamOf(recordId), version == 1 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version - 1), [entry], [attachment], CancellationToken.None);
                var result = await append.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new StoredRecord(
                    recordId, version, submission.Patient, submission.Author, submission.ResourceType, cid, ciphertext.Length, entry.Id,
                    result.FirstPosition, entry.Time);
            }
            catch (StreamVersionConflictException)
            {
                throw new RecordVaultException(
                    VaultError.VersionConflict, $"Record {recordId} changed while version {version} was being stored; read it and try again.");
            }
        }
        finally
        {
            if (append is null || append.IsCompleted)
            {
                use.Exit();
            }
            else
            {
                _ = append.ContinueWith(_ => use.Exit(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Reads a stored version's metadata.</summary>
    /// <param name="recordId">The record's id.</param>
    /// <param name="version">The version, or <see langword="null"/> for the latest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version.</returns>
    /// <exception cref="RecordVaultException"><see cref="VaultError.NotFound"/> or <see cref="VaultError.Erased"/>.</exception>
    public async Task<StoredRecord> FindAsync(string recordId, int? version = null, CancellationToken cancellationToken = default) =>
        (await ReadVersionAsync(CheckRecordId(recordId), version, withCiphertext: false, cancellationToken).ConfigureAwait(false)).Record;

    /// <summary>Lists a patient's stored record versions (metadata only), oldest first; erased records are not listed.</summary>
    /// <param name="patient">The patient's DID.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every version of every record of the patient.</returns>
    public Task<IReadOnlyList<StoredRecord>> ListAsync(string patient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return LogStore.GuardAsync<IReadOnlyList<StoredRecord>>(async () =>
        {
            using var command = _dataSource.CreateCommand(
                $"SELECT {Columns} FROM vault_versions WHERE patient = $1 ORDER BY position");
            command.Parameters.Add(new NpgsqlParameter { Value = patient });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var records = new List<StoredRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(ReadRecord(reader));
            }

            return records;
        });
    }

    /// <summary>
    /// Releases a record version's data key for a granted decision: appends <c>AccessGranted</c>, then returns the ciphertext
    /// and the key as a compact JWE to the recipient's X25519 key-agreement key. The data key is unwrapped in memory only.
    /// </summary>
    /// <param name="request">What the verifier decided on: its patient, record id and resource type must be the record's.</param>
    /// <param name="decision">The verifier's decision; only <see cref="AccessDecision.Granted"/> releases.</param>
    /// <param name="recipient">The requester's key-agreement key.</param>
    /// <param name="version">The version, or <see langword="null"/> for the latest.</param>
    /// <param name="consent">The consent credential's id the decision rested on, for the audit entry (default: the decision's credential id).</param>
    /// <param name="statedReason">
    /// For a break-glass access (the decision came from <c>VerifyEmergencyAsync</c>): the lowercase hex SHA-256 of the reason the
    /// provider stated; the event is then <c>EmergencyAccess</c>, not <c>AccessGranted</c>.
    /// </param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The release.</returns>
    /// <exception cref="RecordVaultException">
    /// <see cref="VaultError.NotGranted"/>, <see cref="VaultError.NotFound"/>, <see cref="VaultError.Erased"/>,
    /// <see cref="VaultError.RequestMismatch"/>, <see cref="VaultError.InvalidRecipient"/>, <see cref="VaultError.CiphertextMissing"/>,
    /// <see cref="VaultError.CiphertextAltered"/>, <see cref="VaultError.UnknownCustodyKey"/> or <see cref="VaultError.KeyUnwrapFailed"/>.
    /// </exception>
    public async Task<RecordRelease> ReleaseAsync(
        AccessRequest request, AccessDecision decision, RecordRecipient recipient, int? version = null, string? consent = null,
        string? statedReason = null, CancellationToken cancellationToken = default)
    {
        var holder = CheckRelease(request, decision, recipient);
        var stored = await ReadVersionAsync(CheckRecordId(request.RecordId), version, withCiphertext: true, cancellationToken).ConfigureAwait(false);
        return await ReleaseAsync(request, decision, recipient, holder, stored, consent, statedReason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a stored version with everything a release needs, so that a caller who must know the record before deciding (its
    /// patient and type) reads it once: pass the result to <see cref="ReleaseFoundAsync"/>.
    /// </summary>
    /// <param name="recordId">The record's id.</param>
    /// <param name="version">The version, or <see langword="null"/> for the latest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version as read; its <see cref="ReleasableRecord.Record"/> is what <see cref="FindAsync"/> returns.</returns>
    /// <exception cref="RecordVaultException"><see cref="VaultError.NotFound"/> or <see cref="VaultError.Erased"/>.</exception>
    public async Task<ReleasableRecord> FindReleasableAsync(string recordId, int? version = null, CancellationToken cancellationToken = default) =>
        new(await ReadVersionAsync(CheckRecordId(recordId), version, withCiphertext: true, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Releases a version read by <see cref="FindReleasableAsync"/>, as <see cref="ReleaseAsync(AccessRequest, AccessDecision, RecordRecipient, int?, string?, string?, CancellationToken)"/>
    /// does but without reading it again first: <c>AccessGranted</c> is appended before the key leaves, and the version is read
    /// after the append, so an erasure committed since the first read still wins.
    /// </summary>
    /// <param name="request">What the verifier decided on: its patient, record id and resource type must be the record's.</param>
    /// <param name="decision">The verifier's decision; only <see cref="AccessDecision.Granted"/> releases.</param>
    /// <param name="recipient">The requester's key-agreement key.</param>
    /// <param name="found">The version, as read by <see cref="FindReleasableAsync"/> of this vault.</param>
    /// <param name="consent">The consent credential's id the decision rested on, for the audit entry (default: the decision's credential id).</param>
    /// <param name="statedReason">For a break-glass access: the lowercase hex SHA-256 of the reason the provider stated.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The release.</returns>
    /// <exception cref="RecordVaultException">
    /// <see cref="VaultError.NotGranted"/>, <see cref="VaultError.Erased"/>, <see cref="VaultError.RequestMismatch"/>,
    /// <see cref="VaultError.InvalidRecipient"/>, <see cref="VaultError.CiphertextMissing"/>, <see cref="VaultError.CiphertextAltered"/>,
    /// <see cref="VaultError.UnknownCustodyKey"/> or <see cref="VaultError.KeyUnwrapFailed"/>.
    /// </exception>
    public async Task<RecordRelease> ReleaseFoundAsync(
        AccessRequest request, AccessDecision decision, RecordRecipient recipient, ReleasableRecord found, string? consent = null,
        string? statedReason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(found);
        var holder = CheckRelease(request, decision, recipient);
        return await ReleaseAsync(request, decision, recipient, holder, found.Version, consent, statedReason, cancellationToken).ConfigureAwait(false);
    }

    private static string CheckRelease(AccessRequest request, AccessDecision decision, RecordRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(recipient);
        if (!decision.Granted || decision.Evidence.Holder is not { } holder)
        {
            throw new RecordVaultException(VaultError.NotGranted, $"No key is released without a granted decision (the decision was {decision.Reason}).");
        }

        if (recipient.Key.Type != KeyType.X25519)
        {
            throw new RecordVaultException(VaultError.InvalidRecipient, "A record's key is released only to an X25519 key-agreement key.");
        }

        return holder;
    }

    private async Task<RecordRelease> ReleaseAsync(
        AccessRequest request, AccessDecision decision, RecordRecipient recipient, string holder, StoredVersion stored, string? consent, string? statedReason,
        CancellationToken cancellationToken)
    {
        // The record must be what the decision was about before its key is touched.
        var recordId = stored.Record.RecordId;
        var record = stored.Record;
        if (record.RecordId != request.RecordId || record.Patient != request.Patient.ToString() || record.ResourceType != request.RecordType)
        {
            throw new RecordVaultException(
                VaultError.RequestMismatch, $"The decision covers a {request.RecordType} of another record, patient or type than record {record.RecordId}.");
        }

        stored = await UnwrapOrRereadAsync(stored, cancellationToken).ConfigureAwait(false);
        var type = statedReason is null ? AuditEventType.AccessGranted : AuditEventType.EmergencyAccess;
        var entry = WithCredential(Entry(type, _time.GetUtcNow(), holder, record.Patient, record.RecordId) with
        {
            Purpose = request.PurposeOfUse,
            Evidence = Evidence(decision.Evidence) is { } e ? e with { StatedReason = statedReason } : new AuditEvidence(StatedReason: statedReason),
        }, consent ?? decision.Evidence.Credential);
        if (entry.Validate(out var member) != AuditEntryError.None)
        {
            throw new ArgumentException($"The access cannot be logged: its '{member}' is not valid in an audit entry.");
        }

        RecordRelease release;
        try
        {
            release = RecordRelease.Create(stored.Record, stored.Ciphertext, stored.DataKey!, recipient, entry.Id);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored.DataKey);
        }

        // The log first: a key never leaves without its AccessGranted event committed. An erasure that committed meanwhile
        // wins: the version is read again after the append, and if it is gone nothing leaves (the log then shows an access
        // that released nothing, the safe way round).
        await _store.AppendAsync(PatientStream(record.Patient), ExpectedVersion.Any, [entry], cancellationToken).ConfigureAwait(false);
        await ReadVersionAsync(recordId, record.Version, withCiphertext: false, cancellationToken).ConfigureAwait(false);
        return release;
    }

    /// <summary>
    /// Records a refused access: appends <c>AccessDenied</c> with the decision's reason and evidence, for a holder the verifier
    /// authenticated (the caller decides that: an unauthenticated presentation names nobody and writes nothing).
    /// </summary>
    /// <param name="request">What was asked for.</param>
    /// <param name="decision">The refusal.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The <c>AccessDenied</c> event's id.</returns>
    /// <exception cref="ArgumentException">The decision is a grant, or names no holder.</exception>
    public async Task<Guid> DenyAsync(AccessRequest request, AccessDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Granted || decision.Evidence.Holder is not { } holder)
        {
            throw new ArgumentException("Only a refusal with a holder is recorded as AccessDenied.", nameof(decision));
        }

        var entry = WithoutUnloggableEvidence(WithCredential(Entry(AuditEventType.AccessDenied, _time.GetUtcNow(), holder, request.Patient.ToString(), request.RecordId) with
        {
            Purpose = request.PurposeOfUse,
            Reason = decision.Reason.ToString(),
            Evidence = Evidence(decision.Evidence),
        }, decision.Evidence.Credential));
        await _store.AppendAsync(PatientStream(request.Patient.ToString()), ExpectedVersion.Any, [entry], cancellationToken).ConfigureAwait(false);
        return entry.Id;
    }

    /// <summary>
    /// Erases a record: appends <c>RecordErased</c>, and in the same commit deletes every version's wrapped data key (and, in
    /// PostgreSQL, ciphertext); ciphertext files of the directory backend are deleted right after.
    /// </summary>
    /// <param name="recordId">The record's id.</param>
    /// <param name="actor">The DID of whoever asks (the patient, or the service acting for them).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What was destroyed.</returns>
    /// <exception cref="RecordVaultException"><see cref="VaultError.NotFound"/>, or <see cref="VaultError.Erased"/> when it already was.</exception>
    public async Task<ErasureResult> EraseAsync(string recordId, string actor, CancellationToken cancellationToken = default)
    {
        recordId = CheckRecordId(recordId);
        var latest = await LatestAsync(recordId, cancellationToken).ConfigureAwait(false);
        var erased = await EraseOneAsync(recordId, latest.Patient, actor, cancellationToken).ConfigureAwait(false);
        return new ErasureResult([erased.Record], erased.Versions);
    }

    /// <summary>Erases every record of a patient (GDPR Art. 17), one <c>RecordErased</c> event per record.</summary>
    /// <param name="patient">The patient's DID.</param>
    /// <param name="actor">The DID of whoever asks.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What was destroyed; no records when the patient had none left.</returns>
    public async Task<ErasureResult> ErasePatientAsync(string patient, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var records = (await ListAsync(patient, cancellationToken).ConfigureAwait(false)).Select(r => r.RecordId).Distinct(StringComparer.Ordinal).ToList();
        var erased = new List<ErasedRecord>();
        var versions = 0;
        foreach (var recordId in records)
        {
            try
            {
                var one = await EraseOneAsync(recordId, patient, actor, cancellationToken).ConfigureAwait(false);
                erased.Add(one.Record);
                versions += one.Versions;
            }
            catch (RecordVaultException e) when (e.Error == VaultError.Erased)
            {
                // Erased meanwhile by another request: already done.
            }
        }

        return new ErasureResult(erased, versions);
    }

    /// <summary>
    /// Rotates the custody key: from now on new data keys are wrapped with <paramref name="next"/>, and every stored data key
    /// is unwrapped and wrapped again with it, in batches, without touching (or decrypting) any ciphertext. When it returns, no
    /// row names another custody key, and the vault holds only <paramref name="next"/>: the old keys are cleared from memory.
    /// </summary>
    /// <param name="next">The new custody key (written durably by the caller first, see <see cref="CustodyKeyFile.BeginRotation"/>).</param>
    /// <param name="cancellationToken">Stops between batches; running it again finishes the rotation.</param>
    /// <returns>How many data keys were rewrapped.</returns>
    /// <exception cref="RecordVaultException"><see cref="VaultError.UnknownCustodyKey"/> or <see cref="VaultError.KeyUnwrapFailed"/> for a row no held key unwraps.</exception>
    /// <exception cref="InvalidOperationException">Another rotation is running.</exception>
    public async Task<int> RotateCustodyKeyAsync(CustodyKey next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);

        // One rotation at a time: a second one would sweep rows the first is rewrapping and clear keys it still needs.
        if (Interlocked.Exchange(ref _rotating, 1) != 0)
        {
            throw new InvalidOperationException("A custody key rotation is already running.");
        }

        try
        {
            KeyUse old;
            lock (_rotation)
            {
                old = _keys;
                Volatile.Write(ref _keys, new KeyUse(new CustodyKeyRing(next, old.Ring.Ids.Select(old.Ring.Find).OfType<CustodyKey>())));
            }

            // Stores that took the old ring may still be wrapping with the old key: let them land, so the sweep below sees them.
            await old.DrainAsync(cancellationToken).ConfigureAwait(false);
            var total = await RewrapAllAsync(Volatile.Read(ref _keys).Ring, next, cancellationToken).ConfigureAwait(false);

            KeyUse finished;
            lock (_rotation)
            {
                finished = _keys;
                Volatile.Write(ref _keys, new KeyUse(new CustodyKeyRing(next)));
            }

            // Reads and stores that took the ring with the old keys finish before those keys are cleared; a last sweep with the
            // old keys still held makes sure no row was left naming one.
            await finished.DrainAsync(CancellationToken.None).ConfigureAwait(false);
            total += await RewrapAllAsync(finished.Ring, next, CancellationToken.None).ConfigureAwait(false);
            foreach (var id in finished.Ring.Ids.Where(id => id != next.Id))
            {
                finished.Ring.Find(id)?.Dispose();
            }

            return total;
        }
        finally
        {
            Volatile.Write(ref _rotating, 0);
        }
    }

    private async Task<int> RewrapAllAsync(CustodyKeyRing ring, CustodyKey next, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var done = await LogStore.GuardAsync(() => RewrapBatchAsync(ring, next, cancellationToken)).ConfigureAwait(false);
            total += done;
            if (done > 0)
            {
                continue;
            }

            // Nothing unlocked was left; rows an erasure holds are skipped (it deletes them). Done when none names another key.
            var left = await StringsAsync("SELECT record_id FROM vault_versions WHERE custody_key <> $1 LIMIT 1", next.Id, cancellationToken).ConfigureAwait(false);
            if (left.Count == 0)
            {
                return total;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the custody key ids stored rows name that this vault does not hold: a wrong or lost key file.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ids, sorted; empty when every row can be unwrapped.</returns>
    public Task<IReadOnlyList<string>> UnheldCustodyKeysAsync(CancellationToken cancellationToken = default) =>
        StringsAsync("SELECT DISTINCT custody_key FROM vault_versions WHERE custody_key <> ALL($1) ORDER BY 1", Volatile.Read(ref _keys).Ring.Ids.ToArray(), cancellationToken);

    /// <summary>
    /// Deletes ciphertext files of the directory backend that no version names (left by a store whose commit failed, or by an
    /// erasure that could not delete them) and temporary files of writes that never finished.
    /// </summary>
    /// <param name="minimumAge">Only files at least this old, so a store in progress keeps its file.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many files were deleted.</returns>
    public async Task<int> SweepAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        if (_directory is null)
        {
            return 0;
        }

        var before = _time.GetUtcNow() - minimumAge;
        var deleted = _directory.DeleteTemporaryFiles(before);
        foreach (var chunk in _directory.List(before).Chunk(1000))
        {
            var named = (await StringsAsync("SELECT content_id FROM vault_versions WHERE content_id = ANY($1)", chunk, cancellationToken).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var cid in chunk.Where(c => !named.Contains(c)))
            {
                _directory.Delete(cid);
                deleted++;
            }
        }

        return deleted;
    }

    private const string Columns = "record_id, version, patient, author, resource_type, content_id, length, event_id, position, stored_at";

    private static string StreamOf(string recordId) => "record:" + recordId;

    private static string PatientStream(string patient) => "patient:" + patient;

    private static StoredRecord ReadRecord(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6),
        reader.GetGuid(7), reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9));

    private static AuditEntry Entry(AuditEventType type, DateTimeOffset now, string actor, string patient, string recordId) => new()
    {
        Type = type,
        Id = Guid.CreateVersion7(now),
        Time = AuditEntry.EntryTime(now),
        Actor = actor,
        Subject = patient,
        Record = recordId,
    };

    /// <summary>Names the credential the decision rested on, when its id is one an entry can hold (a presented id is the presenter's text).</summary>
    private static AuditEntry WithCredential(AuditEntry entry, string? credential)
    {
        if (credential is null)
        {
            return entry;
        }

        var named = entry with { Consent = credential };
        return named.Validate(out _) == AuditEntryError.None ? named : entry;
    }

    /// <summary>
    /// A refusal is logged even when a piece of its evidence cannot be (a DID longer than an entry allows, in a credential the
    /// refused caller wrote): that piece is left out rather than the refusal lost to an exception.
    /// </summary>
    private static AuditEntry WithoutUnloggableEvidence(AuditEntry entry)
    {
        for (var attempt = 0; attempt < 8 && entry.Validate(out var member) != AuditEntryError.None && entry.Evidence is { } e; attempt++)
        {
            var trimmed = member switch
            {
                "evidence.holderVersion" => e with { HolderVersion = null },
                "evidence.issuer" => e with { Issuer = null },
                "evidence.issuerVersion" => e with { IssuerVersion = null },
                _ => null,
            };
            if (trimmed is null)
            {
                break;
            }

            entry = entry with { Evidence = trimmed.IsEmpty ? null : trimmed };
        }

        return entry;
    }

    private static AuditEvidence? Evidence(AccessEvidence e)
    {
        var evidence = new AuditEvidence(e.PresentationHash, e.CredentialHash, e.Holder, e.HolderVersion, e.Issuer, e.IssuerVersion, e.StatusListHash);
        return evidence.IsEmpty ? null : evidence;
    }

    private static void CheckResourceType(string resourceType)
    {
        if (!RecordAddress.IsResourceType(resourceType))
        {
            throw new ArgumentException("A FHIR resource type is an upper-case ASCII letter followed by up to 63 ASCII letters.", nameof(resourceType));
        }
    }

    private static string CheckRecordId(string recordId)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        return Guid.TryParseExact(recordId, "D", out var id) && id.ToString() == recordId
            ? recordId
            : throw new RecordVaultException(VaultError.NotFound, "No record has that id (a record id is a lowercase UUID).");
    }

    /// <summary>Runs a query of one parameter whose answer is one text column.</summary>
    private Task<IReadOnlyList<string>> StringsAsync(string sql, object parameter, CancellationToken cancellationToken) =>
        LogStore.GuardAsync<IReadOnlyList<string>>(async () =>
        {
            using var command = _dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var values = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                values.Add(reader.GetString(0));
            }

            return values;
        });

    private KeyUse EnterKeys()
    {
        while (true)
        {
            var use = Volatile.Read(ref _keys);
            if (use.TryEnter())
            {
                return use;
            }
        }
    }

    private async Task<(ErasedRecord Record, int Versions)> EraseOneAsync(string recordId, string patient, string actor, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The versions as they are now, and the erasure appended right after exactly them: a version stored in between makes
            // the append conflict, and the erasure starts again with it (so its ciphertext file is deleted too).
            var contentIds = await StringsAsync("SELECT content_id FROM vault_versions WHERE record_id = $1 ORDER BY version", recordId, cancellationToken).ConfigureAwait(false);
            if (contentIds.Count == 0)
            {
                throw new RecordVaultException(VaultError.Erased, $"Record {recordId} was erased: its keys and ciphertext are destroyed.");
            }

            var entry = Entry(AuditEventType.RecordErased, _time.GetUtcNow(), actor, patient, recordId);
            AppendResult result;
            try
            {
                result = await _store.AppendAsync(
                    StreamOf(recordId), ExpectedVersion.Exactly(contentIds.Count), [entry], attachments: null, cancellationToken).ConfigureAwait(false);
            }
            catch (StreamVersionConflictException)
            {
                continue;
            }

            if (_directory is not null)
            {
                foreach (var cid in contentIds)
                {
                    try
                    {
                        _directory.Delete(cid);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // The key is gone with the commit; a file left behind is unreadable and the sweep removes it.
                    }
                }
            }

            return (new ErasedRecord(recordId, entry.Id, result.FirstPosition), contentIds.Count);
        }
    }

    private async Task<(string Patient, string ResourceType, int Version)> LatestAsync(string recordId, CancellationToken cancellationToken)
    {
        var stored = await ReadVersionAsync(recordId, version: null, withCiphertext: false, cancellationToken).ConfigureAwait(false);
        return (stored.Record.Patient, stored.Record.ResourceType, stored.Record.Version);
    }

    /// <summary>Reads a version (or the latest) with its wrapped key, and its ciphertext when asked (PostgreSQL backend; files are read at unwrap).</summary>
    private async Task<StoredVersion> ReadVersionAsync(string recordId, int? version, bool withCiphertext, CancellationToken cancellationToken)
    {
        var read = await _reads.ReadAsync(recordId, version, withCiphertext: withCiphertext && _directory is null, cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            var erased = await LogStore.GuardAsync(async () =>
            {
                using var command = _dataSource.CreateCommand("SELECT erased_position FROM record_index WHERE record = $1 AND erased_position IS NOT NULL");
                command.Parameters.Add(new NpgsqlParameter { Value = recordId });
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            }).ConfigureAwait(false);
            throw erased
                ? new RecordVaultException(VaultError.Erased, $"Record {recordId} was erased: its keys and ciphertext are destroyed.")
                : new RecordVaultException(VaultError.NotFound, version is null ? $"No record {recordId} is stored." : $"Record {recordId} has no version {version}.");
        }

        return new StoredVersion(read.Record, read.CustodyKeyId, read.WrappedKey, read.Ciphertext, DataKey: null);
    }

    /// <summary>Unwraps a version's key; when a rotation rewrapped the row between the read and now, reads it again, once.</summary>
    private async Task<StoredVersion> UnwrapOrRereadAsync(StoredVersion row, CancellationToken cancellationToken)
    {
        try
        {
            return await UnwrapAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RecordVaultException e) when (e.Error == VaultError.UnknownCustodyKey)
        {
            // A rotation changes only the custody key and the wrapped key: the ciphertext already read stays.
            var again = await ReadVersionAsync(row.Record.RecordId, row.Record.Version, withCiphertext: false, cancellationToken).ConfigureAwait(false);
            return await UnwrapAsync(again with { Ciphertext = row.Ciphertext }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<StoredVersion> UnwrapAsync(StoredVersion row, CancellationToken cancellationToken)
    {
        var record = row.Record;
        if (!ContentId.TryParse(record.ContentId, out var cid))
        {
            throw new RecordVaultException(
                VaultError.CiphertextAltered, $"The content id of record {record.RecordId} version {record.Version} is not a content id: the row was altered.");
        }

        var ciphertext = _directory is null ? row.Ciphertext : await _directory.ReadAsync(cid.Text, cancellationToken).ConfigureAwait(false);
        if (ciphertext is null)
        {
            throw new RecordVaultException(VaultError.CiphertextMissing, $"The ciphertext of record {record.RecordId} version {record.Version} is missing from the store.");
        }

        if (!cid.Matches(ciphertext))
        {
            throw new RecordVaultException(
                VaultError.CiphertextAltered, $"The ciphertext of record {record.RecordId} version {record.Version} does not match its content id: it was altered.");
        }

        var use = EnterKeys();
        try
        {
            if (use.Ring.Find(row.CustodyKeyId!) is not { } custody)
            {
                throw new RecordVaultException(
                    VaultError.UnknownCustodyKey, $"The data key of record {record.RecordId} version {record.Version} is wrapped by custody key {row.CustodyKeyId}, which this vault does not hold.");
            }

            if (!custody.TryUnwrap(row.WrappedKey, record.Address, out var dataKey))
            {
                throw new RecordVaultException(
                    VaultError.KeyUnwrapFailed, $"The data key of record {record.RecordId} version {record.Version} does not unwrap: it was altered or moved from another record.");
            }

            return row with { Ciphertext = ciphertext, DataKey = dataKey };
        }
        finally
        {
            use.Exit();
        }
    }

    private async Task<int> RewrapBatchAsync(CustodyKeyRing ring, CustodyKey next, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var rows = await LockBatchAsync(connection, transaction, next, cancellationToken).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    return 0;
                }

                var rewrapped = new byte[rows.Count][];
                for (var i = 0; i < rows.Count; i++)
                {
                    var (recordId, version, patient, resourceType, custodyId, wrapped) = rows[i];
                    var address = new RecordAddress(recordId, patient, resourceType, version);
                    if (ring.Find(custodyId) is not { } custody)
                    {
                        throw new RecordVaultException(
                            VaultError.UnknownCustodyKey, $"Record {recordId} version {version} names custody key {custodyId}, which this vault does not hold.");
                    }

                    if (!custody.TryUnwrap(wrapped, address, out var dataKey))
                    {
                        throw new RecordVaultException(
                            VaultError.KeyUnwrapFailed, $"The data key of record {recordId} version {version} does not unwrap: it was altered or moved.");
                    }

                    try
                    {
                        rewrapped[i] = next.Wrap(dataKey, address);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(dataKey);
                    }
                }

                var update = new NpgsqlCommand(
                    "UPDATE vault_versions v SET custody_key = $1, wrapped_key = x.w FROM unnest($2::text[], $3::integer[], $4::bytea[]) AS x(r, n, w) " +
                    "WHERE v.record_id = x.r AND v.version = x.n", connection, transaction);
                await using (update.ConfigureAwait(false))
                {
                    update.Parameters.Add(new NpgsqlParameter { Value = next.Id });
                    update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.RecordId).ToArray() });
                    update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Version).ToArray() });
                    update.Parameters.Add(new NpgsqlParameter { Value = rewrapped });
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return rows.Count;
            }
        }
    }

    private static async Task<List<(string RecordId, int Version, string Patient, string ResourceType, string CustodyKey, byte[] Wrapped)>> LockBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CustodyKey next, CancellationToken cancellationToken)
    {
        var rows = new List<(string, int, string, string, string, byte[])>();
        var select = new NpgsqlCommand(
            "SELECT record_id, version, patient, resource_type, custody_key, wrapped_key FROM vault_versions WHERE custody_key <> $1 " +
            // In key order, and skipping rows an erasure holds: the writer locks rows in its own order, and waiting for it could deadlock.
            "ORDER BY record_id, version LIMIT $2 FOR UPDATE SKIP LOCKED", connection, transaction);
        await using (select.ConfigureAwait(false))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = next.Id });
            select.Parameters.Add(new NpgsqlParameter { Value = RotationBatch });
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), (byte[])reader[5]));
                }
            }
        }

        return rows;
    }

    /// <summary>A version as read: its metadata, its wrapped key and ciphertext (when asked for), its unwrapped key (in memory only).</summary>
    internal sealed record StoredVersion(StoredRecord Record, string? CustodyKeyId, byte[]? WrappedKey, byte[]? Ciphertext, byte[]? DataKey);

    /// <summary>A ring and the operations using it, so a rotation waits for stores that took the old ring before it sweeps.</summary>
    private sealed class KeyUse(CustodyKeyRing ring)
    {
        private int _users;
        private int _closed;

        public CustodyKeyRing Ring { get; } = ring;

        public bool TryEnter()
        {
            Interlocked.Increment(ref _users);
            if (Volatile.Read(ref _closed) != 0)
            {
                Interlocked.Decrement(ref _users);
                return false;
            }

            return true;
        }

        public void Exit() => Interlocked.Decrement(ref _users);

        public async Task DrainAsync(CancellationToken cancellationToken)
        {
            // A full fence (Interlocked), so this write and the count read below are not reordered against TryEnter's.
            Interlocked.Exchange(ref _closed, 1);
            while (Volatile.Read(ref _users) > 0)
            {
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
