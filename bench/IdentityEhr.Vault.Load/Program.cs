// Issue 8 targets, measured in one run on a private, durable PostgreSQL (fsync and synchronous_commit on):
//   dotnet run -c Release --project bench/IdentityEhr.Vault.Load [-- --writers 64 --release-callers 64 --records 20000 --probe]
//   encrypt + store a 4 KiB record ≥ 5,000/s, against the same number of 4 KiB rows inserted raw (one durable commit each);
//   key release (excluding VC verification) ≥ 10,000/s, with its AccessGranted append, against the release's crypto alone;
//   AES-GCM throughput of RecordCipher against raw AesGcm (the BenchmarkDotNet suite IdentityEhr.Vault.Benchmarks has the same).
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Vault;
using Npgsql;

var writers = Option("--writers", 64);
var records = Option("--records", 20_000);
var releasers = Option("--release-callers", writers);
const int RecordBytes = 4096;
const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
const string Provider = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

var directory = ThrowawayDirectory.Create("vaultbench");
var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Directory = directory, Persistent = true });
var admin = cluster.ConnectionString;
Console.WriteLine($"PostgreSQL {cluster.ServerVersion}, fsync={await ScalarAsync(admin, "SHOW fsync")}, synchronous_commit={await ScalarAsync(admin, "SHOW synchronous_commit")}");
Console.WriteLine($"{Environment.ProcessorCount} cores, {writers} concurrent callers, {records:N0} records of {RecordBytes} bytes");

// Synthetic content: random bytes of a record's size (the vault never reads them).
var contents = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(RecordBytes)).ToArray();

// 1. Encrypt + store, through the vault (PostgreSQL backend): data key, AES-256-GCM, wrap, content id, row + blob + RecordStored.
var vaultSchema = await SchemaAsync(admin, "vault");
using var custody = CustodyKey.Generate();
var stored = new StoredRecord[records];
double putRate;
long commits;
await using (var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = vaultSchema }))
{
    var vault = new RecordVault(store, new RecordVaultOptions { CustodyKeys = new CustodyKeyRing(custody) });
    await RunAsync(writers, 256, async i => stored[i] = await vault.PutAsync(new RecordSubmission(Patient, Provider, "Observation", contents[i % contents.Length])));
    var clock = Stopwatch.StartNew();
    await RunAsync(writers, records, async i => stored[i] = await vault.PutAsync(new RecordSubmission(Patient, Provider, "Observation", contents[i % contents.Length])));
    clock.Stop();
    putRate = records / clock.Elapsed.TotalSeconds;
    commits = store.Commits;
}

// Baseline: the same number of 4 KiB rows, each INSERTed with its own durable commit by the same number of callers.
var rawSchema = await SchemaAsync(admin, "raw");
await ExecuteAsync(rawSchema, "CREATE TABLE blobs (id bigint PRIMARY KEY, data bytea NOT NULL); ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL");
double rawRate;
await using (var pool = NpgsqlDataSource.Create(rawSchema))
{
    var clock = Stopwatch.StartNew();
    await RunAsync(writers, records, async i =>
    {
        await using var command = pool.CreateCommand("INSERT INTO blobs (id, data) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = (long)i });
        command.Parameters.Add(new NpgsqlParameter { Value = contents[i % contents.Length] });
        await command.ExecuteNonQueryAsync();
    });
    clock.Stop();
    rawRate = records / clock.Elapsed.TotalSeconds;
}

Console.WriteLine($"encrypt + store 4 KiB: {putRate:N0} records/s ({commits:N0} commits); raw INSERT of 4 KiB rows: {rawRate:N0} rows/s; ratio {putRate / rawRate:F2}x");

// 2. Key release for a granted decision (the verifier's work excluded): read row + ciphertext, check the content id, unwrap,
// JWE to the requester's X25519 key, append AccessGranted.
using var requester = PrivateKey.Generate(KeyType.X25519);
var recipient = new RecordRecipient(requester.PublicKey, Provider + "#key-agreement-1");
var decision = new AccessDecision(AccessReason.Granted, new AccessEvidence(PresentationHash: new string('a', 64), CredentialHash: new string('b', 64), Holder: Provider, Issuer: Patient));
var patient = Did.Parse(Patient);
double releaseRate;
await using (var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = vaultSchema }))
{
    var vault = new RecordVault(store, new RecordVaultOptions { CustodyKeys = new CustodyKeyRing(CustodyKey.FromBytes(custody.ExportBytes())) });
    await RunAsync(writers, 256, i => vault.ReleaseAsync(new AccessRequest(patient, "Observation", stored[i].RecordId, "TREAT"), decision, recipient));
    var clock = Stopwatch.StartNew();
    await RunAsync(releasers, records, i => vault.ReleaseAsync(new AccessRequest(patient, "Observation", stored[i].RecordId, "TREAT"), decision, recipient));
    clock.Stop();
    releaseRate = records / clock.Elapsed.TotalSeconds;

    // Where the time goes: the metadata read alone, and one-event appends alone, at the same concurrency.
    clock.Restart();
    await RunAsync(writers, records, i => vault.FindAsync(stored[i].RecordId));
    var findRate = records / clock.Elapsed.TotalSeconds;
    clock.Restart();
    await RunAsync(writers, records, i => store.AppendAsync($"patient:{Patient}", IdentityEhr.Storage.Events.ExpectedVersion.Any, [new IdentityEhr.AuditLog.Entries.AuditEntry
    {
        Type = IdentityEhr.AuditLog.Entries.AuditEventType.AccessGranted, Id = Guid.CreateVersion7(), Time = IdentityEhr.AuditLog.Entries.AuditEntry.EntryTime(DateTimeOffset.UtcNow),
        Actor = Provider, Subject = Patient, Record = stored[i].RecordId, Purpose = "TREAT",
    }]));
    var appendRate = records / clock.Elapsed.TotalSeconds;
    Console.WriteLine($"  parts at the same concurrency: metadata read {findRate:N0}/s; one-event append {appendRate:N0}/s");
    if (args.Contains("--probe"))
    {
        await using var pool = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(vaultSchema) { MaxPoolSize = 30 }.ConnectionString);
        foreach (var sql in new[] { "SELECT 1", "SELECT record_id FROM vault_versions WHERE record_id = $1 AND version = 1", "SELECT data FROM vault_blobs WHERE content_id = (SELECT content_id FROM vault_versions WHERE record_id = $1 AND version = 1)" })
        {
            clock.Restart();
            await RunAsync(writers, records, async i =>
            {
                await using var command = pool.CreateCommand(sql);
                if (sql.Contains("$1", StringComparison.Ordinal))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = stored[i].RecordId });
                }

                await command.ExecuteScalarAsync();
            });
            Console.WriteLine($"  probe {sql[..Math.Min(60, sql.Length)]}: {records / clock.Elapsed.TotalSeconds:N0}/s");
        }
    }

    // A release must open: check a sample, untimed.
    var release = await vault.ReleaseAsync(new AccessRequest(patient, "Observation", stored[7].RecordId, "TREAT"), decision, recipient);
    if (release.TryOpen(requester, out var opened) != RecordOpenError.None || !opened.AsSpan().SequenceEqual(contents[7 % contents.Length]))
    {
        throw new InvalidOperationException("a release did not open to the stored bytes");
    }
}

// Bound: the release's crypto alone (unwrap + JWE to X25519), on every core, no database.
var wrapped = custody.Wrap(RecordCipher.NewDataKey(), stored[0].Address);
var cryptoRate = Parallel(Environment.ProcessorCount, TimeSpan.FromSeconds(3), () =>
{
    custody.TryUnwrap(wrapped, stored[0].Address, out var key);
    _ = RecordRelease.Create(stored[0], ReadOnlyMemory<byte>.Empty, key, recipient, Guid.Empty);
    CryptographicOperations.ZeroMemory(key);
});
Console.WriteLine($"key release + AccessGranted append ({releasers} callers): {releaseRate:N0} releases/s; the release's crypto alone on {Environment.ProcessorCount} cores: {cryptoRate:N0}/s; ratio {releaseRate / cryptoRate:F2}x");

// 3. AES-256-GCM: RecordCipher.Seal (fresh nonce, associated data) against raw AesGcm.Encrypt with a reused key object.
foreach (var size in new[] { 4096, 1024 * 1024 })
{
    var plaintext = RandomNumberGenerator.GetBytes(size);
    var dataKey = RecordCipher.NewDataKey();
    var address = new RecordAddress(Guid.CreateVersion7().ToString(), Patient, "Observation", 1);
    var ours = Parallel(1, TimeSpan.FromSeconds(2), () => RecordCipher.Seal(dataKey, address, plaintext)) * size / 1048576.0;
    using var aes = new AesGcm(dataKey, 16);
    var nonce = new byte[12];
    var output = new byte[size];
    var tag = new byte[16];
    var raw = Parallel(1, TimeSpan.FromSeconds(2), () => aes.Encrypt(nonce, plaintext, output, tag)) * size / 1048576.0;
    Console.WriteLine($"AES-256-GCM {size / 1024} KiB, one core: RecordCipher.Seal {ours:N0} MiB/s; raw AesGcm.Encrypt {raw:N0} MiB/s; ratio {ours / raw:F2}x");
}

await cluster.DisposeAsync();
Directory.Delete(directory, recursive: true);

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task RunAsync(int callers, int count, Func<int, Task> work)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            await work(i);
        }
    })));
}

static double Parallel(int threads, TimeSpan duration, Action work)
{
    long done = 0;
    var clock = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
    {
        long mine = 0;
        while (clock.Elapsed < duration)
        {
            work();
            mine++;
        }

        Interlocked.Add(ref done, mine);
    })).ToList();
    workers.ForEach(t => t.Start());
    workers.ForEach(t => t.Join());
    return done / clock.Elapsed.TotalSeconds;
}

static async Task<string> SchemaAsync(string admin, string name)
{
    await ExecuteAsync(admin, $"CREATE SCHEMA {name}");
    return new NpgsqlConnectionStringBuilder(admin) { SearchPath = name }.ConnectionString;
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task<string> ScalarAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
}
