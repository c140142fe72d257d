// Issue 6 targets, measured in one run on a private, durable PostgreSQL (fsync and synchronous_commit on):
//   dotnet run -c Release --project bench/IdentityEhr.AuditLog.Load [-- --events-per-append 10]
//   append + integrate ≥ 50,000 events/s with 64 appenders, as a ratio to raw COPY of the same rows (target ≥ 0.5);
//   append latency p99 ≤ 20 ms at 5,000 events/s; append → signed checkpoint p99 ≤ 1.5 s;
//   inclusion proof from tiles in a tree of 10,000,000 leaves ≤ 1 ms p50; memory flat as the tree grows.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Events;
using Npgsql;
using NpgsqlTypes;

const int Appenders = 64;
const int EventsPerAppender = 10_000;
int[] perAppend = args.Length >= 2 && args[0] == "--events-per-append" ? [int.Parse(args[1], CultureInfo.InvariantCulture)] : [1, 10, 50];
var appendOnly = args.Contains("--append-only");
if (args.Contains("--proofs-only"))
{
    perAppend = [];
}

var directory = ThrowawayDirectory.Create("auditlogbench");
var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Directory = directory, Persistent = true });
var admin = cluster.ConnectionString;
Console.WriteLine($"PostgreSQL {cluster.ServerVersion}, fsync={await ScalarAsync(admin, "SHOW fsync")}, synchronous_commit={await ScalarAsync(admin, "SHOW synchronous_commit")}");

// 1. Sustained append + integrate, 64 appenders, for each number of events per append; each against raw COPY of the same rows.
var throughput = new List<(int PerAppend, double Rate, long Commits, int Batch, double CopyRate, long HeapAt20, long HeapAtEnd)>();
(Guid Id, string Type, byte[] Bytes, string Stream, long Version)[] rows = [];
foreach (var eventsPerAppend in perAppend)
{
    var appendSchema = await SchemaAsync(admin, $"append{eventsPerAppend}");
    GC.Collect();
    var memory = new List<(double Progress, long Heap)>();
    long appended = 0;
    double appendRate;
    long commits;
    await using (var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = appendSchema }))
    {
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                memory.Add((Interlocked.Read(ref appended) / (double)(Appenders * EventsPerAppender), GC.GetTotalMemory(forceFullCollection: false)));
                await Task.Delay(250);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < EventsPerAppender; i += eventsPerAppend)
            {
                // Entries are made as they are appended, so the heap measured is the store's, not a pile of prepared input.
                await store.AppendAsync($"patient:{a}", ExpectedVersion.Any, [.. Enumerable.Range(i, eventsPerAppend).Select(n => Entry(a, n))]);
                Interlocked.Add(ref appended, eventsPerAppend);
            }
        })));
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        appendRate = Appenders * EventsPerAppender / clock.Elapsed.TotalSeconds;
        commits = store.Commits;
    }

    // Baseline: raw COPY of the same rows (same bytes, same table definition) in transactions of the batch size the group commit
    // reached, one after another, each durably committed.
    var batchSize = Math.Max(1, (int)(Appenders * EventsPerAppender / commits));
    var copySchema = await SchemaAsync(admin, $"copy{eventsPerAppend}");
    // The same rows: read back from the store, untimed.
    rows = await ReadRowsAsync(appendSchema);
    await ExecuteAsync(copySchema, """
        CREATE TABLE events (position bigint PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, stream_version bigint NOT NULL,
          event_type text NOT NULL, entry bytea NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_version))
        """);
    double copyRate;
    await using (var connection = new NpgsqlConnection(copySchema))
    {
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < rows.Length; start += batchSize)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var importer = await connection.BeginBinaryImportAsync("COPY events (position, event_id, stream_id, stream_version, event_type, entry) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = start; i < Math.Min(rows.Length, start + batchSize); i++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync((long)i, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(rows[i].Id, NpgsqlDbType.Uuid);
                    await importer.WriteAsync(rows[i].Stream, NpgsqlDbType.Text);
                    await importer.WriteAsync(rows[i].Version, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(rows[i].Type, NpgsqlDbType.Text);
                    await importer.WriteAsync(rows[i].Bytes, NpgsqlDbType.Bytea);
                }

                await importer.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        copyRate = rows.Length / clock.Elapsed.TotalSeconds;
    }

    var heapAt20 = memory.Where(m => m.Progress >= 0.2).Select(m => m.Heap).DefaultIfEmpty(0).First();
    throughput.Add((eventsPerAppend, appendRate, commits, batchSize, copyRate, heapAt20, memory.Select(m => m.Heap).DefaultIfEmpty(0).Last()));
    rows = [];
}

var baselineSchema = await SchemaAsync(admin, "baseline");
if (appendOnly)
{
    foreach (var t in throughput)
    {
        Console.WriteLine($"{t.PerAppend} per append: {t.Rate:N0} events/s ({t.Commits:N0} commits, mean batch {t.Batch:N0}); raw COPY {t.CopyRate:N0} rows/s; ratio {t.Rate / t.CopyRate:0.00}");
    }

    await cluster.DisposeAsync();
    Directory.Delete(directory, recursive: true);
    return;
}

// 2 and 3. Latency at 5,000 events/s (one event per append, open loop), and append → signed checkpoint (interval 1 s).
var latencySchema = await SchemaAsync(admin, "latency");
var latencies = new ConcurrentBag<double>();
var toCheckpoint = new ConcurrentBag<double>();
using var key = PrivateKey.Generate(KeyType.Ed25519);
var signer = new NoteSigner("bench.identityehr/audit", key);
await using (var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = latencySchema }))
{
    await store.Log.CutCheckpointAsync(signer);
    using var stop = new CancellationTokenSource();
    var pending = new ConcurrentQueue<(long Position, long StartTicks)>();
    var checkpointer = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
        {
            await store.Log.CutCheckpointAsync(signer);
        }
    });
    var watcher = Task.Run(async () =>
    {
        var waiting = new List<(long Position, long StartTicks)>();
        while (!stop.IsCancellationRequested || !pending.IsEmpty || waiting.Count > 0)
        {
            while (pending.TryDequeue(out var item))
            {
                waiting.Add(item);
            }

            var size = (long)((await store.Log.LatestCheckpointAsync())?.Checkpoint.TreeSize ?? 0);
            var now = Stopwatch.GetTimestamp();
            foreach (var (position, start) in waiting.Where(w => w.Position < size))
            {
                toCheckpoint.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
            }

            waiting.RemoveAll(w => w.Position < size);
            await Task.Delay(5);
        }
    });

    const int Rate = 5_000;
    const int Seconds = 20;
    var started = Stopwatch.GetTimestamp();
    var inflight = new List<Task>(Rate * Seconds);
    var n = 0;
    while (n < Rate * Seconds)
    {
        // Open loop: every millisecond or so, start the appends that are due (the n-th at n / rate seconds), whether or not
        // earlier ones have finished; latency is measured from the moment each was due.
        await Task.Delay(1);
        var now = Stopwatch.GetTimestamp();
        for (; n < Rate * Seconds && started + (long)(n * (double)Stopwatch.Frequency / Rate) <= now; n++)
        {
            var due = started + (long)(n * (double)Stopwatch.Frequency / Rate);
            var entry = Entry(1000, n);
            var stream = $"patient:{n % 500}";
            inflight.Add(Task.Run(async () =>
            {
                var result = await store.AppendAsync(stream, ExpectedVersion.Any, [entry]);
                latencies.Add(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
                pending.Enqueue((result.FirstPosition, due));
            }));
        }
    }

    await Task.WhenAll(inflight);
    await Task.Delay(1500);
    await stop.CancelAsync();
    await watcher;
    await checkpointer;
}

// Baseline for latency: one single-row INSERT with a durable commit, one after another.
var singleCommit = new List<double>();
await ExecuteAsync(baselineSchema, "CREATE TABLE one_row (id bigint PRIMARY KEY, entry bytea NOT NULL)");
await using (var connection = new NpgsqlConnection(baselineSchema))
{
    await connection.OpenAsync();
    for (var i = 0; i < 2000; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await using var insert = new NpgsqlCommand("INSERT INTO one_row VALUES ($1, $2)", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = (long)i });
        insert.Parameters.Add(new NpgsqlParameter { Value = Entry(0, i).ToCanonicalBytes() });
        await insert.ExecuteNonQueryAsync();
        singleCommit.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

// 4. Inclusion proofs from the tiles of a tree of 10,000,000 leaves.
const ulong BigTree = 10_000_000;
var bigSchema = await SchemaAsync(admin, "big");
await (await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = bigSchema })).DisposeAsync();
var edge = TileAppender.Empty;
var buildClock = Stopwatch.StartNew();
await using (var connection = new NpgsqlConnection(bigSchema))
{
    await connection.OpenAsync();
    for (ulong done = 0; done < BigTree; done += 1_000_000)
    {
        var leaves = new TreeHash[1_000_000];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i] = TreeHash.OfLeaf(BitConverter.GetBytes(done + (ulong)i));
        }

        edge = edge.Append(leaves, out var tiles);
        await using var importer = await connection.BeginBinaryImportAsync("COPY tiles (level, idx, hashes) FROM STDIN (FORMAT BINARY)");
        foreach (var tile in tiles.Where(t => t.IsFull))
        {
            await importer.StartRowAsync();
            await importer.WriteAsync((short)tile.Id.Level, NpgsqlDbType.Smallint);
            await importer.WriteAsync((long)tile.Id.Index, NpgsqlDbType.Bigint);
            await importer.WriteAsync(tile.Hashes.ToArray(), NpgsqlDbType.Bytea);
        }

        await importer.CompleteAsync();
    }

    await using var partials = await connection.BeginBinaryImportAsync("COPY tiles (level, idx, hashes) FROM STDIN (FORMAT BINARY)");
    foreach (var tile in edge.RightEdge())
    {
        await partials.StartRowAsync();
        await partials.WriteAsync((short)tile.Id.Level, NpgsqlDbType.Smallint);
        await partials.WriteAsync((long)tile.Id.Index, NpgsqlDbType.Bigint);
        await partials.WriteAsync(tile.Hashes.ToArray(), NpgsqlDbType.Bytea);
    }

    await partials.CompleteAsync();
}

await ExecuteAsync(bigSchema, $"UPDATE log_state SET tree_size = {BigTree}, root = decode('{edge.Root().ToHex()}', 'hex') WHERE id = 0");
buildClock.Stop();
var proofTimes = new List<double>();
var tileLookups = new List<double>();
var random = new Random(6);
await using (var log = LogStore.Connect(bigSchema))
{
    var bigRoot = edge.Root();
    for (var i = 0; i < 2200; i++)
    {
        var index = (ulong)random.NextInt64(0, (long)BigTree);
        var start = Stopwatch.GetTimestamp();
        var proof = await log.InclusionProofAsync(index, BigTree);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!proof!.Verify(TreeHash.OfLeaf(BitConverter.GetBytes(index)), bigRoot).IsValid)
        {
            throw new InvalidOperationException($"proof for {index} does not verify");
        }

        if (i >= 200)
        {
            proofTimes.Add(elapsed);
        }
    }

    var tileSource = NpgsqlDataSource.Create(bigSchema);
    for (var i = 0; i < 2200; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await using var command = tileSource.CreateCommand("SELECT hashes FROM tiles WHERE level = 0 AND idx = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = random.NextInt64(0, (long)(BigTree / 256)) });
        _ = await command.ExecuteScalarAsync();
        if (i >= 200)
        {
            tileLookups.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    await tileSource.DisposeAsync();
}

Console.WriteLine();
Console.WriteLine($"| target | measured | baseline (same run) | ratio |");
Console.WriteLine($"|---|---|---|---|");
foreach (var t in throughput)
{
    Console.WriteLine($"| append + integrate, {Appenders} appenders × {EventsPerAppender:N0} events, {t.PerAppend} event(s) per append | **{t.Rate:N0} events/s** ({t.Commits:N0} commits, mean batch {t.Batch:N0} events) | raw COPY of the same rows into the same table, {t.Batch:N0} rows per durable transaction: {t.CopyRate:N0} rows/s | **{t.Rate / t.CopyRate:0.00}×** |");
}

Console.WriteLine($"| append latency at 5,000 events/s (1 event per append, open loop, 20 s) | p50 {Percentile(latencies, 50):0.00} ms, **p99 {Percentile(latencies, 99):0.00} ms** | one-row INSERT + durable commit: p50 {Percentile(singleCommit, 50):0.00} ms, p99 {Percentile(singleCommit, 99):0.00} ms | p99 {Percentile(latencies, 99) / Percentile(singleCommit, 99):0.00}× |");
Console.WriteLine($"| append → signed checkpoint, interval 1 s | p50 {Percentile(toCheckpoint, 50):0} ms, **p99 {Percentile(toCheckpoint, 99):0} ms** ({toCheckpoint.Count:N0} appends) | the interval: 1,000 ms | p99 {Percentile(toCheckpoint, 99) / 1000:0.00}× |");
Console.WriteLine($"| inclusion proof from tiles, tree of {BigTree:N0} (median of 2,000 random leaves, each verified) | **p50 {Percentile(proofTimes, 50):0.000} ms**, p99 {Percentile(proofTimes, 99):0.000} ms | one tile row by primary key: p50 {Percentile(tileLookups, 50):0.000} ms | {Percentile(proofTimes, 50) / Percentile(tileLookups, 50):0.00}× |");
foreach (var t in throughput)
{
    Console.WriteLine($"| memory while the tree grows ({t.PerAppend} per append: managed heap at 20% → 100% of the run) | {t.HeapAt20 / 1048576.0:0.0} MiB → {t.HeapAtEnd / 1048576.0:0.0} MiB | heap at 20% | {(t.HeapAt20 == 0 ? 0 : t.HeapAtEnd / (double)t.HeapAt20):0.00}× |");
}
Console.WriteLine($"(10,000,000-leaf tiles built and copied in {buildClock.Elapsed.TotalSeconds:0.0} s)");

await cluster.DisposeAsync();
try
{
    Directory.Delete(directory, recursive: true);
}
catch (IOException)
{
}

static AuditEntry Entry(int appender, int n) => new()
{
    Type = AuditEventType.AccessGranted,
    Id = Guid.CreateVersion7(),
    Time = AuditEntry.EntryTime(DateTimeOffset.UnixEpoch.AddDays(20_000).AddMilliseconds(n)),
    Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
    Record = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
    Purpose = "TREAT",
    Evidence = new AuditEvidence(Presentation: new string('a', 64), Credential: new string('b', 64), StatusList: new string('c', 64)),
};

static async Task<(Guid Id, string Type, byte[] Bytes, string Stream, long Version)[]> ReadRowsAsync(string connectionString)
{
    var list = new List<(Guid, string, byte[], string, long)>();
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT event_id, event_type, entry, stream_id, stream_version FROM events ORDER BY position", connection);
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        list.Add((reader.GetGuid(0), reader.GetString(1), (byte[])reader[2], reader.GetString(3), reader.GetInt64(4)));
    }

    return [.. list];
}

static double Percentile(IEnumerable<double> values, int percentile)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
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
    return (string)(await command.ExecuteScalarAsync())!;
}
