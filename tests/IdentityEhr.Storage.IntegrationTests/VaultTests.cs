using System.Security.Cryptography;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>The record vault on a real PostgreSQL: both backends, versions, key release, tampering, erasure and rotation.</summary>
public sealed class VaultTests(PostgresFixture postgres)
{
    private static readonly byte[] s_observation = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));
    private static readonly byte[] s_condition = File.ReadAllBytes(Vectors.PathOf("fhir/Condition-example.json"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<VaultRig> RigAsync(bool directory, [System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
        VaultRig.StartAsync(postgres, $"{nameof(VaultTests)}_{name}_{(directory ? "dir" : "pg")}", directory, Ct);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_release_and_local_decrypt_give_the_exact_bytes_and_both_events_are_in_the_log(bool directory)
    {
        await using var rig = await RigAsync(directory);

        var stored = await rig.PutAsync(s_observation);
        var release = await rig.ReleaseAsync(stored);
        var error = release.TryOpen(rig.Requester, out var plaintext);

        Assert.Equal(RecordOpenError.None, error);
        Assert.Equal(s_observation, plaintext);
        Assert.Equal(1, stored.Version);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", stored.RecordId);
        Assert.StartsWith("bafkrei", stored.ContentId, StringComparison.Ordinal);
        Assert.Equal(s_observation.Length + RecordCipher.Overhead, stored.Length);
        Assert.Equal(RecordRelease.KeyContentType, System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(Pad(release.Jwe.Split('.')[0]))).RootElement.GetProperty("cty").GetString());

        var storedEvent = await rig.Store.FindAsync(stored.EventId, Ct);
        var grantEvent = await rig.Store.FindAsync(release.EventId, Ct);
        Assert.Equal((AuditEventType.RecordStored, VaultRig.Provider, VaultRig.Patient, stored.RecordId), (storedEvent!.Entry.Type, storedEvent.Entry.Actor, storedEvent.Entry.Subject, storedEvent.Entry.Record));
        Assert.Equal(stored.Position, storedEvent.Position);
        Assert.Equal((AuditEventType.AccessGranted, VaultRig.Provider, stored.RecordId, "TREAT"), (grantEvent!.Entry.Type, grantEvent.Entry.Actor, grantEvent.Entry.Record, grantEvent.Entry.Purpose));
        Assert.Equal(new string('a', 64), grantEvent.Entry.Evidence!.Presentation);

        // No plaintext and no data key anywhere in the database: only the ciphertext (PostgreSQL backend) and the wrapped key.
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_blobs WHERE position($1::bytea in data) > 0", s_observation[..64]));
        Assert.Equal(directory ? 0 : 1, await rig.ScalarAsync("SELECT count(*) FROM vault_blobs"));
        Assert.Equal(directory ? 1 : 0, Directory.Exists(rig.BlobFolder) ? Directory.EnumerateFiles(rig.BlobFolder, "bafkrei*", SearchOption.AllDirectories).Count() : 0);
    }

    [Fact]
    public async Task Updates_append_versions_and_every_version_stays_readable()
    {
        await using var rig = await RigAsync(directory: false);
        var first = await rig.PutAsync(s_observation);
        var changed = s_observation.Append((byte)'\n').ToArray();

        var second = await rig.PutAsync(changed, recordId: first.RecordId);

        Assert.Equal((first.RecordId, 2), (second.RecordId, second.Version));
        Assert.Equal(second, await rig.Vault.FindAsync(first.RecordId, cancellationToken: Ct));
        Assert.Equal(first, await rig.Vault.FindAsync(first.RecordId, 1, Ct));
        Assert.Equal(RecordOpenError.None, (await rig.ReleaseAsync(first, version: 1)).TryOpen(rig.Requester, out var v1));
        Assert.Equal(RecordOpenError.None, (await rig.ReleaseAsync(first)).TryOpen(rig.Requester, out var v2));
        Assert.Equal(s_observation, v1);
        Assert.Equal(changed, v2);
        Assert.Equal([first, second], await rig.Vault.ListAsync(VaultRig.Patient, Ct));
        Assert.Equal(2, (await rig.Store.Projections.RecordAsync(first.RecordId, Ct))!.Versions);
    }

    [Fact]
    public async Task A_new_version_keeps_the_patient_and_the_resource_type()
    {
        await using var rig = await RigAsync(directory: false);
        var first = await rig.PutAsync(s_observation);
        var before = (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize;

        var otherPatient = await Assert.ThrowsAsync<RecordVaultException>(() => rig.PutAsync(s_observation, patient: VaultRig.OtherPatient, recordId: first.RecordId));
        var otherType = await Assert.ThrowsAsync<RecordVaultException>(() => rig.PutAsync(s_condition, "Condition", recordId: first.RecordId));
        var unknown = await Assert.ThrowsAsync<RecordVaultException>(() => rig.PutAsync(s_observation, recordId: Guid.CreateVersion7().ToString()));
        var malformed = await Assert.ThrowsAsync<RecordVaultException>(() => rig.PutAsync(s_observation, recordId: "../../etc/passwd"));

        Assert.Equal(
            [VaultError.PatientMismatch, VaultError.ResourceTypeMismatch, VaultError.NotFound, VaultError.NotFound],
            new[] { otherPatient, otherType, unknown, malformed }.Select(e => e.Error));
        Assert.Equal(before, (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize);
        Assert.Single(await rig.Vault.ListAsync(VaultRig.Patient, Ct));
    }

    [Fact]
    public async Task Concurrent_updates_of_one_record_give_each_version_once_and_the_rest_conflict()
    {
        await using var rig = await RigAsync(directory: false);
        var first = await rig.PutAsync(s_observation);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                return (await rig.PutAsync([.. s_observation, (byte)' ', (byte)('a' + i)], recordId: first.RecordId)).Version;
            }
            catch (RecordVaultException e) when (e.Error == VaultError.VersionConflict)
            {
                Assert.True(e.IsTransient);
                return 0;
            }
        }));

        var versions = (await rig.Vault.ListAsync(VaultRig.Patient, Ct)).Select(r => r.Version).ToArray();
        Assert.Equal(Enumerable.Range(1, versions.Length), versions);
        Assert.Equal(versions.Skip(1).Order(), attempts.Where(v => v > 0).Order());
        Assert.Equal(versions.Length, (await rig.Store.Projections.RecordAsync(first.RecordId, Ct))!.Versions);
    }

    [Fact]
    public async Task Sizes_and_resource_types_out_of_range_are_refused_and_nothing_is_written()
    {
        await using var rig = await RigAsync(directory: false);

        var empty = await Assert.ThrowsAsync<RecordVaultException>(() => rig.PutAsync([]));
        var huge = await Assert.ThrowsAsync<RecordVaultException>(() => rig.PutAsync(new byte[RecordVault.MaxRecordBytes + 1]));
        await Assert.ThrowsAsync<ArgumentException>(() => rig.PutAsync(s_observation, "observation"));
        await Assert.ThrowsAsync<ArgumentException>(() => rig.PutAsync(s_observation, "Obs/../x"));
        await Assert.ThrowsAsync<ArgumentException>(() => rig.Vault.PutAsync(new RecordSubmission("not a did", VaultRig.Provider, "Observation", s_observation), Ct));

        Assert.Equal([VaultError.InvalidSize, VaultError.InvalidSize], new[] { empty.Error, huge.Error });
        Assert.Equal(0UL, (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize);
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions"));
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_blobs"));
    }

    [Fact]
    public async Task A_key_is_released_only_for_a_granted_decision_about_this_record_to_an_X25519_key()
    {
        await using var rig = await RigAsync(directory: false);
        var stored = await rig.PutAsync(s_observation);
        var before = (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize;
        using var edKey = PrivateKey.Generate(KeyType.Ed25519);

        var denied = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(stored, decision: new AccessDecision(AccessReason.Revoked, VaultRig.Granted.Evidence)));
        var otherType = await Assert.ThrowsAsync<RecordVaultException>(() =>
            rig.Vault.ReleaseAsync(VaultRig.Request(stored, resourceType: "Condition"), VaultRig.Granted, rig.Recipient, cancellationToken: Ct));
        var otherPatient = await Assert.ThrowsAsync<RecordVaultException>(() =>
            rig.Vault.ReleaseAsync(VaultRig.Request(stored, patient: VaultRig.OtherPatient), VaultRig.Granted, rig.Recipient, cancellationToken: Ct));
        var edRecipient = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(stored, recipient: new RecordRecipient(edKey.PublicKey, "did:example:x#1")));
        var noVersion = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(stored, version: 2));

        Assert.Equal(
            [VaultError.NotGranted, VaultError.RequestMismatch, VaultError.RequestMismatch, VaultError.InvalidRecipient, VaultError.NotFound],
            new[] { denied, otherType, otherPatient, edRecipient, noVersion }.Select(e => e.Error));
        Assert.Equal(before, (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize);
    }

    [Fact]
    public async Task The_requester_side_fails_closed_on_altered_ciphertext_wrong_associated_data_and_another_key()
    {
        await using var rig = await RigAsync(directory: false);
        var stored = await rig.PutAsync(s_observation);
        var release = await rig.ReleaseAsync(stored);
        using var stranger = PrivateKey.Generate(KeyType.X25519);
        var altered = release.Ciphertext.ToArray();
        altered[^1] ^= 1;
        var tamperedJwe = release.Jwe[..^2] + (release.Jwe[^2] == 'A' ? 'B' : 'A') + release.Jwe[^1];

        Assert.Equal(RecordOpenError.CiphertextAltered, (release with { Ciphertext = altered }).TryOpen(rig.Requester, out var p1));
        Assert.Equal(RecordOpenError.AssociatedDataMismatch, (release with { Record = stored with { Version = 2 } }).TryOpen(rig.Requester, out var p2));
        Assert.Equal(RecordOpenError.AssociatedDataMismatch, (release with { Record = stored with { Patient = VaultRig.OtherPatient } }).TryOpen(rig.Requester, out var p3));
        Assert.Equal(RecordOpenError.AssociatedDataMismatch, (release with { Record = stored with { RecordId = Guid.CreateVersion7().ToString() } }).TryOpen(rig.Requester, out var p4));
        Assert.Equal(RecordOpenError.AssociatedDataMismatch, (release with { Record = stored with { ResourceType = "Condition" } }).TryOpen(rig.Requester, out _));
        Assert.Equal(RecordOpenError.WrongRecipientKey, release.TryOpen(stranger, out var p5));
        Assert.Equal(RecordOpenError.WrongRecipientKey, (release with { Jwe = tamperedJwe }).TryOpen(rig.Requester, out var p6));
        Assert.All(new[] { p1, p2, p3, p4, p5, p6 }, Assert.Empty);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tampering_in_the_store_is_refused_with_a_specific_error(bool directory)
    {
        await using var rig = await RigAsync(directory);
        var a = await rig.PutAsync(s_observation);
        var b = await rig.PutAsync(s_condition, "Condition");

        // An altered ciphertext.
        if (directory)
        {
            var file = Directory.EnumerateFiles(rig.BlobFolder, a.ContentId, SearchOption.AllDirectories).Single();
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            bytes[20] ^= 0x80;
            await File.WriteAllBytesAsync(file, bytes, Ct);
        }
        else
        {
            await rig.ExecuteAsync("UPDATE vault_blobs SET data = set_byte(data, 20, get_byte(data, 20) # 128) WHERE content_id = $1", a.ContentId);
        }

        var altered = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(a));

        // A wrapped key moved from another record, a custody key nobody holds, a missing ciphertext.
        await rig.ExecuteAsync("UPDATE vault_versions SET wrapped_key = (SELECT wrapped_key FROM vault_versions WHERE record_id = $2) WHERE record_id = $1", a.RecordId, b.RecordId);
        await rig.ExecuteAsync("UPDATE vault_versions SET content_id = $2 WHERE record_id = $1", a.RecordId, b.ContentId);
        var moved = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(a with { ContentId = b.ContentId }));
        await rig.ExecuteAsync("UPDATE vault_versions SET custody_key = 'ck-0000000000000000' WHERE record_id = $1", b.RecordId);
        var unknownKey = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(b));
        if (directory)
        {
            File.Delete(Directory.EnumerateFiles(rig.BlobFolder, b.ContentId, SearchOption.AllDirectories).Single());
        }
        else
        {
            await rig.ExecuteAsync("DELETE FROM vault_blobs WHERE content_id = $1", b.ContentId);
        }

        var missing = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(b));

        // A record relabelled as another resource type (to fit a consent's scope) does not unwrap: the type is bound too.
        var c = await rig.PutAsync(s_condition, "Condition");
        await rig.ExecuteAsync("UPDATE vault_versions SET resource_type = 'Immunization' WHERE record_id = $1", c.RecordId);
        var relabelled = await Assert.ThrowsAsync<RecordVaultException>(() => rig.ReleaseAsync(c with { ResourceType = "Immunization" }));
        Assert.Equal(VaultError.KeyUnwrapFailed, relabelled.Error);

        Assert.Equal(
            [VaultError.CiphertextAltered, VaultError.KeyUnwrapFailed, VaultError.UnknownCustodyKey, VaultError.CiphertextMissing],
            new[] { altered, moved, unknownKey, missing }.Select(e => e.Error));
        Assert.All(new[] { altered, moved, unknownKey, missing }, e => Assert.DoesNotContain("bafk", e.Message.Replace(a.ContentId, "", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Erasure_destroys_keys_and_ciphertexts_in_sql_and_on_disk_and_later_access_says_erased(bool directory)
    {
        await using var rig = await RigAsync(directory);
        var keep = await rig.PutAsync(s_condition, "Condition");
        var first = await rig.PutAsync(s_observation);
        var second = await rig.PutAsync([.. s_observation, (byte)'\n'], recordId: first.RecordId);
        var release = await rig.ReleaseAsync(first);
        var wrapped = await WrappedKeysAsync(rig, first.RecordId);
        var ciphertexts = new[] { (await rig.ReleaseAsync(first, version: 1)).Ciphertext.ToArray(), release.Ciphertext.ToArray() };

        var result = await rig.Vault.EraseAsync(first.RecordId, VaultRig.Patient, Ct);

        Assert.Equal(2, result.Versions);
        var erasedEvent = await rig.Store.FindAsync(result.Records.Single().EventId, Ct);
        Assert.Equal((AuditEventType.RecordErased, first.RecordId, VaultRig.Patient), (erasedEvent!.Entry.Type, erasedEvent.Entry.Record, erasedEvent.Entry.Subject));

        // SQL: no row names the record, and no row anywhere in the vault holds its wrapped keys or ciphertexts.
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions WHERE record_id = $1", first.RecordId));
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_blobs WHERE content_id = ANY($1)", (object)new[] { first.ContentId, second.ContentId }));
        foreach (var bytes in wrapped.Concat(ciphertexts.Select(c => c[..48])))
        {
            Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions WHERE position($1::bytea in wrapped_key) > 0", bytes));
            Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_blobs WHERE position($1::bytea in data) > 0", bytes));
            Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM events WHERE position($1::bytea in entry) > 0", bytes));
        }

        // Disk: no file under the vault's folder holds them.
        foreach (var file in Directory.EnumerateFiles(rig.Folder, "*", SearchOption.AllDirectories))
        {
            var content = await File.ReadAllBytesAsync(file, Ct);
            Assert.All(wrapped.Concat(ciphertexts.Select(c => c[..48])), bytes => Assert.True(content.AsSpan().IndexOf(bytes) < 0, file));
        }

        // Every access after it says erased; the other record is untouched; the log verifies.
        var errors = new List<VaultError>();
        foreach (var attempt in new Func<Task>[]
        {
            () => rig.Vault.FindAsync(first.RecordId, cancellationToken: Ct),
            () => rig.ReleaseAsync(first),
            () => rig.ReleaseAsync(first, version: 1),
            () => rig.PutAsync(s_observation, recordId: first.RecordId),
            () => rig.Vault.EraseAsync(first.RecordId, VaultRig.Patient, Ct),
        })
        {
            errors.Add((await Assert.ThrowsAsync<RecordVaultException>(attempt)).Error);
        }

        Assert.All(errors, e => Assert.Equal(VaultError.Erased, e));
        Assert.Equal(RecordOpenError.None, (await rig.ReleaseAsync(keep)).TryOpen(rig.Requester, out var kept));
        Assert.Equal(s_condition, kept);
        Assert.Equal([keep], await rig.Vault.ListAsync(VaultRig.Patient, Ct));
        Assert.True((await rig.Store.Log.VerifyAsync(cancellationToken: Ct)).IsIntact);
    }

    [Fact]
    public async Task Erasing_a_patient_erases_all_their_records_and_no_one_elses()
    {
        await using var rig = await RigAsync(directory: true);
        var mine = new[] { await rig.PutAsync(s_observation), await rig.PutAsync(s_condition, "Condition"), await rig.PutAsync(s_observation) };
        var theirs = await rig.PutAsync(s_observation, patient: VaultRig.OtherPatient);

        var result = await rig.Vault.ErasePatientAsync(VaultRig.Patient, VaultRig.Patient, Ct);

        Assert.Equal(mine.Select(r => r.RecordId).Order(), result.Records.Select(r => r.RecordId).Order());
        Assert.Empty(await rig.Vault.ListAsync(VaultRig.Patient, Ct));
        Assert.Equal([theirs], await rig.Vault.ListAsync(VaultRig.OtherPatient, Ct));
        Assert.Single(Directory.EnumerateFiles(rig.BlobFolder, "bafkrei*", SearchOption.AllDirectories));
        Assert.Empty((await rig.Vault.ErasePatientAsync(VaultRig.Patient, VaultRig.Patient, Ct)).Records);
    }

    [Fact]
    public async Task A_store_and_an_erasure_racing_on_one_record_never_leave_a_version_after_the_erasure()
    {
        await using var rig = await RigAsync(directory: false);
        for (var round = 0; round < 20; round++)
        {
            var stored = await rig.PutAsync(s_observation);
            var put = Task.Run(() => rig.PutAsync(s_observation, recordId: stored.RecordId), Ct);
            var erase = Task.Run(() => rig.Vault.EraseAsync(stored.RecordId, VaultRig.Patient, Ct), Ct);
            try
            {
                await put;
            }
            catch (RecordVaultException e) when (e.Error is VaultError.VersionConflict or VaultError.Erased)
            {
            }

            await erase;
            Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions WHERE record_id = $1", stored.RecordId));
        }
    }

    [Fact]
    public async Task A_release_racing_an_erasure_either_comes_before_it_in_the_log_or_releases_nothing()
    {
        await using var rig = await RigAsync(directory: false);
        for (var round = 0; round < 20; round++)
        {
            var stored = await rig.PutAsync(s_observation);
            var release = Task.Run(() => rig.ReleaseAsync(stored), Ct);
            var erase = Task.Run(() => rig.Vault.EraseAsync(stored.RecordId, VaultRig.Patient, Ct), Ct);
            var erasedAt = (await erase).Records[0].Position;
            try
            {
                var released = await release;
                Assert.True((await rig.Store.FindAsync(released.EventId, Ct))!.Position < erasedAt, "a key left after its record's erasure");
            }
            catch (RecordVaultException e) when (e.Error == VaultError.Erased)
            {
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Releasing_a_FindReleasableAsync_read_gives_the_exact_bytes_and_logs_AccessGranted(bool directory)
    {
        await using var rig = await RigAsync(directory);
        var stored = await rig.PutAsync(s_observation);
        var found = await rig.Vault.FindReleasableAsync(stored.RecordId, cancellationToken: Ct);

        var release = await rig.Vault.ReleaseFoundAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, found, cancellationToken: Ct);

        Assert.Equal(RecordOpenError.None, release.TryOpen(rig.Requester, out var plaintext));
        Assert.Equal(s_observation, plaintext);
        var grant = await rig.Store.FindAsync(release.EventId, Ct);
        Assert.Equal((AuditEventType.AccessGranted, stored.RecordId), (grant!.Entry.Type, grant.Entry.Record));
    }

    [Fact]
    public async Task Releasing_a_FindReleasableAsync_read_of_another_record_is_a_RequestMismatch_and_logs_nothing()
    {
        await using var rig = await RigAsync(directory: false);
        var stored = await rig.PutAsync(s_observation);
        var other = await rig.PutAsync(s_observation);
        var found = await rig.Vault.FindReleasableAsync(other.RecordId, cancellationToken: Ct);
        var before = (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize;

        var error = await Assert.ThrowsAsync<RecordVaultException>(() => rig.Vault.ReleaseFoundAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, found, cancellationToken: Ct));

        Assert.Equal((VaultError.RequestMismatch, before), (error.Error, (await rig.Store.Log.GetTreeStateAsync(Ct)).TreeSize));
    }

    [Fact]
    public async Task An_erasure_committed_after_FindReleasableAsync_wins_over_the_release()
    {
        await using var rig = await RigAsync(directory: false);
        var stored = await rig.PutAsync(s_observation);
        var found = await rig.Vault.FindReleasableAsync(stored.RecordId, cancellationToken: Ct);
        await rig.Vault.EraseAsync(stored.RecordId, VaultRig.Patient, Ct);

        var error = await Assert.ThrowsAsync<RecordVaultException>(() => rig.Vault.ReleaseFoundAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, found, cancellationToken: Ct));

        Assert.Equal(VaultError.Erased, error.Error);
    }

    [Fact]
    public async Task A_release_of_a_FindReleasableAsync_read_racing_an_erasure_either_comes_before_it_in_the_log_or_releases_nothing()
    {
        await using var rig = await RigAsync(directory: false);
        for (var round = 0; round < 20; round++)
        {
            var stored = await rig.PutAsync(s_observation);
            var found = await rig.Vault.FindReleasableAsync(stored.RecordId, cancellationToken: Ct);
            var release = Task.Run(() => rig.Vault.ReleaseFoundAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, found, cancellationToken: Ct), Ct);
            var erase = Task.Run(() => rig.Vault.EraseAsync(stored.RecordId, VaultRig.Patient, Ct), Ct);
            var erasedAt = (await erase).Records[0].Position;
            try
            {
                var released = await release;
                Assert.True((await rig.Store.FindAsync(released.EventId, Ct))!.Position < erasedAt, "a key left after its record's erasure");
            }
            catch (RecordVaultException e) when (e.Error == VaultError.Erased)
            {
            }
        }
    }

    [Fact]
    public async Task A_second_rotation_while_one_runs_is_refused()
    {
        await using var rig = await RigAsync(directory: false);
        // The refusal is decided when the second call starts, before the first's first await; a few rows are enough.
        for (var i = 0; i < 5; i++)
        {
            await rig.PutAsync(s_observation);
        }

        using var first = CustodyKey.Generate();
        using var second = CustodyKey.Generate();

        var running = rig.Vault.RotateCustodyKeyAsync(first, Ct);
        var refused = await Record.ExceptionAsync(() => rig.Vault.RotateCustodyKeyAsync(second, Ct));
        await running;

        Assert.IsType<InvalidOperationException>(refused);
        Assert.Equal(first.Id, rig.Vault.CurrentCustodyKeyId);
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions WHERE custody_key <> $1", first.Id));
    }

    [Fact]
    public async Task Every_state_a_crash_can_leave_the_key_files_in_loads_with_the_newest_key_current()
    {
        await using var rig = await RigAsync(directory: false);
        var stored = await rig.PutAsync(s_observation);
        var oldId = rig.Keys.Current.Id;
        using var next = CustodyKeyFile.BeginRotation(rig.KeyFile);

        // (current, next) → rotate → (old, next) → (old, current) → (current): each loads, newest first, the others beside it.
        Assert.Equal(next.Id, CustodyKeyFile.Load(rig.KeyFile).Current.Id);
        Assert.Equal(1, await rig.Vault.RotateCustodyKeyAsync(CustodyKeyFile.Load(rig.KeyFile).Current, Ct));
        File.Move(rig.KeyFile, rig.KeyFile + CustodyKeyFile.OldSuffix);
        var halfway = CustodyKeyFile.Load(rig.KeyFile);
        Assert.Equal((next.Id, 2), (halfway.Current.Id, halfway.Ids.Count));
        File.Move(rig.KeyFile + CustodyKeyFile.NextSuffix, rig.KeyFile);
        var almost = CustodyKeyFile.Load(rig.KeyFile);
        Assert.Equal(next.Id, almost.Current.Id);
        Assert.Contains(oldId, almost.Ids);
        CustodyKeyFile.CompleteRotation(rig.KeyFile);
        Assert.Equal([next.Id], CustodyKeyFile.Load(rig.KeyFile).Ids);
        Assert.False(File.Exists(rig.KeyFile + CustodyKeyFile.OldSuffix));
        Assert.Equal(RecordOpenError.None, (await rig.Reopen(CustodyKeyFile.Load(rig.KeyFile), directory: false)
            .ReleaseAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, cancellationToken: Ct)).TryOpen(rig.Requester, out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Custody_key_rotation_rewraps_every_data_key_and_the_old_key_is_gone(bool directory)
    {
        await using var rig = await RigAsync(directory);
        var records = new List<StoredRecord>();
        foreach (var chunk in Enumerable.Range(0, 1_100).Chunk(100))
        {
            records.AddRange(await Task.WhenAll(chunk.Select(i => rig.PutAsync([.. s_observation, .. System.Text.Encoding.ASCII.GetBytes($" {i}")]))));
        }

        var oldId = rig.Vault.CurrentCustodyKeyId;
        var oldKeyBytes = rig.Keys.Current.ExportBytes();
        var wrappedBefore = await WrappedKeysAsync(rig, null);
        var next = CustodyKeyFile.BeginRotation(rig.KeyFile);

        // Stores keep going during the rotation.
        var during = Task.Run(async () =>
        {
            var more = new List<StoredRecord>();
            for (var i = 0; i < 50; i++)
            {
                more.Add(await rig.PutAsync(s_condition, "Condition"));
            }

            return more;
        }, Ct);
        var rewrapped = await rig.Vault.RotateCustodyKeyAsync(next, Ct);
        records.AddRange(await during);
        CustodyKeyFile.CompleteRotation(rig.KeyFile);

        Assert.InRange(rewrapped, 1_100, 1_150);
        Assert.Equal(next.Id, rig.Vault.CurrentCustodyKeyId);
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions WHERE custody_key <> $1", next.Id));
        Assert.Equal(0, await rig.ScalarAsync("SELECT count(*) FROM vault_versions WHERE wrapped_key = ANY($1)", (object)wrappedBefore.ToArray()));
        Assert.Throws<ObjectDisposedException>(() => rig.Keys.Current.ExportBytes());
        Assert.False(File.Exists(rig.KeyFile + CustodyKeyFile.NextSuffix));
        var ring = CustodyKeyFile.Load(rig.KeyFile);
        Assert.Equal([next.Id], ring.Ids);
        Assert.True((await File.ReadAllBytesAsync(rig.KeyFile, Ct)).AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(IdentityEhr.Identity.Multiformats.Base64UrlText.Encode(oldKeyBytes))) < 0);

        // Every record still opens (ciphertexts were not touched), and a vault holding only the old key opens none.
        foreach (var record in records.Where((_, i) => i % 37 == 0))
        {
            Assert.Equal(RecordOpenError.None, (await rig.ReleaseAsync(record)).TryOpen(rig.Requester, out _));
        }

        using var oldKey = CustodyKey.FromBytes(oldKeyBytes);
        Assert.Equal(oldId, oldKey.Id);
        var stale = rig.Reopen(new CustodyKeyRing(oldKey), directory);
        var refused = await Assert.ThrowsAsync<RecordVaultException>(() => stale.ReleaseAsync(VaultRig.Request(records[0]), VaultRig.Granted, rig.Recipient, cancellationToken: Ct));
        Assert.Equal(VaultError.UnknownCustodyKey, refused.Error);
        CryptographicOperations.ZeroMemory(oldKeyBytes);
    }

    [Fact]
    public async Task An_interrupted_rotation_is_finished_by_running_it_again_from_the_files()
    {
        await using var rig = await RigAsync(directory: false);
        var stored = await rig.PutAsync(s_observation);
        using var next = CustodyKeyFile.BeginRotation(rig.KeyFile);

        // The process stopped before rewrapping: a new start finds both files and holds both keys.
        var ring = CustodyKeyFile.Load(rig.KeyFile);
        Assert.Equal(next.Id, ring.Current.Id);
        Assert.Equal(2, ring.Ids.Count);
        var restarted = rig.Reopen(ring, directory: false);
        Assert.Equal(RecordOpenError.None, (await restarted.ReleaseAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, cancellationToken: Ct)).TryOpen(rig.Requester, out _));

        Assert.Equal(1, await restarted.RotateCustodyKeyAsync(ring.Current, Ct));
        CustodyKeyFile.CompleteRotation(rig.KeyFile);
        Assert.Equal([ring.Current.Id], CustodyKeyFile.Load(rig.KeyFile).Ids);
        Assert.Equal(RecordOpenError.None, (await restarted.ReleaseAsync(VaultRig.Request(stored), VaultRig.Granted, rig.Recipient, cancellationToken: Ct)).TryOpen(rig.Requester, out _));
    }

    [Fact]
    public async Task Custody_key_files_that_are_not_keys_are_refused_without_echoing_them()
    {
        await using var rig = await RigAsync(directory: false);
        var path = Path.Combine(rig.Folder, "bad.key");
        foreach (var text in new[] { "", "ehr-custody-key-v1 \n", "ehr-custody-key-v1 AAAA\n", "secret-looking-text " + new string('x', 43), new string('A', 300) })
        {
            await File.WriteAllTextAsync(path, text, Ct);
            var error = Assert.Throws<InvalidDataException>(() => CustodyKeyFile.Load(path));
            Assert.Contains("bad.key", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-looking", error.Message, StringComparison.Ordinal);
        }

        Assert.Throws<FileNotFoundException>(() => CustodyKeyFile.Load(Path.Combine(rig.Folder, "none.key")));
        Assert.Throws<FileNotFoundException>(() => CustodyKeyFile.CompleteRotation(rig.KeyFile));
    }

    [Fact]
    public async Task The_directory_sweep_removes_only_ciphertexts_no_version_names()
    {
        await using var rig = await RigAsync(directory: true);
        var stored = await rig.PutAsync(s_observation);
        var orphanId = IdentityEhr.Identity.Multiformats.ContentId.Of("left by a failed commit"u8).Text;
        var orphan = Path.Combine(rig.BlobFolder, orphanId[^2..], orphanId);
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllTextAsync(orphan, "left by a failed commit", Ct);
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-2));
        foreach (var file in Directory.EnumerateFiles(rig.BlobFolder, stored.ContentId, SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-2));
        }

        Assert.Equal(1, await rig.Vault.SweepAsync(TimeSpan.FromHours(1), Ct));
        Assert.False(File.Exists(orphan));
        Assert.Equal(RecordOpenError.None, (await rig.ReleaseAsync(stored)).TryOpen(rig.Requester, out _));
    }

    private static async Task<List<byte[]>> WrappedKeysAsync(VaultRig rig, string? recordId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(rig.Schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT wrapped_key FROM vault_versions WHERE $1::text IS NULL OR record_id = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)recordId ?? DBNull.Value, DataTypeName = "text" });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var keys = new List<byte[]>();
        while (await reader.ReadAsync(Ct))
        {
            keys.Add((byte[])reader[0]);
        }

        return keys;
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
