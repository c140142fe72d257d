using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>
/// Issue 6 acceptance: kill -9 the appending process, and separately restart PostgreSQL, in the middle of appends and
/// integration. Afterwards no acknowledged event is lost, none is integrated twice, and the tree is consistent with the
/// checkpoints signed before.
/// </summary>
public sealed class CrashSafetyTests(PostgresFixture postgres)
{
    private static readonly byte[] s_seed = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Killing_the_process_mid_append_loses_no_acknowledged_event_and_keeps_the_tree_consistent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var schema = await postgres.CreateSchemaAsync(nameof(CrashSafetyTests), ct);
        var acknowledged = new ConcurrentDictionary<Guid, long>();

        for (var life = 1; life <= 3; life++)
        {
            var lastCheckpoint = await RunAndKillAsync(schema.ConnectionString, $"life{life}", acknowledged, minimumAcks: 1500 * life, ct);

            await using var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = schema.ConnectionString }, ct);
            await AssertIntactAsync(store, acknowledged, lastCheckpoint, ct);
        }
    }

    [Fact]
    public async Task Restarting_PostgreSQL_mid_append_loses_no_acknowledged_event_and_keeps_the_tree_consistent()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = ThrowawayDirectory.Create("restart");
        var options = new PostgresClusterOptions { Directory = directory, Persistent = true, Port = FreePort() };
        var cluster = await PostgresCluster.StartAsync(options, cancellationToken: ct);
        try
        {
            using var key = PrivateKey.Import(KeyType.Ed25519, s_seed);
            var signer = new NoteSigner("probe.identityehr/audit", key);
            var acknowledged = new ConcurrentDictionary<Guid, long>();
            await using var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = cluster.ConnectionString }, ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var appenders = Enumerable.Range(0, 8).Select(a => AppendUntilStoppedAsync(store, $"restart:{a}", acknowledged, stop.Token)).ToArray();

            await WaitForAsync(() => acknowledged.Count >= 1000, ct);
            var beforeRestart = await store.Log.CutCheckpointAsync(signer, ct) ?? await store.Log.LatestCheckpointAsync(ct);
            await cluster.DisposeAsync();
            await Task.Delay(500, ct);
            cluster = await PostgresCluster.StartAsync(options, cancellationToken: ct);
            var atRestart = acknowledged.Count;
            await WaitForAsync(() => acknowledged.Count >= atRestart + 1000, ct);
            await stop.CancelAsync();
            await Task.WhenAll(appenders);
            await store.Log.CutCheckpointAsync(signer, ct);

            await AssertIntactAsync(store, acknowledged, (beforeRestart!.Checkpoint.TreeSize, beforeRestart.Checkpoint.RootHash), ct);
        }
        finally
        {
            await cluster.DisposeAsync();
            ProcessLedgerCleanup(directory);
        }
    }

    private static async Task AssertIntactAsync(EventStore store, ConcurrentDictionary<Guid, long> acknowledged, (ulong Size, TreeHash Root) checkpoint, CancellationToken ct)
    {
        using var key = PrivateKey.Import(KeyType.Ed25519, s_seed);
        var verification = await store.Log.VerifyAsync(new NoteSigner("probe.identityehr/audit", key).VerifierKey, ct);
        Assert.Empty(verification.Findings);

        // Every acknowledged event is there, exactly where it was acknowledged (a second copy would need a second id).
        var positions = new Dictionary<Guid, long>();
        await foreach (var e in store.ReadAllAsync(0, ReadDirection.Forward, int.MaxValue, ct))
        {
            Assert.True(positions.TryAdd(e.Entry.Id, e.Position), $"event {e.Entry.Id} appears twice");
        }

        foreach (var (id, position) in acknowledged)
        {
            Assert.True(positions.TryGetValue(id, out var stored), $"acknowledged event {id} is lost");
            Assert.Equal(position, stored);
        }

        // The tree after the crash extends the tree signed before it.
        var state = await store.Log.GetTreeStateAsync(ct);
        if (checkpoint.Size > 0 && checkpoint.Size < state.TreeSize)
        {
            var proof = await store.Log.ConsistencyProofAsync(checkpoint.Size, state.TreeSize, ct);
            Assert.True(proof!.Verify(checkpoint.Root, state.Root).IsValid);
        }
    }

    private static async Task<(ulong Size, TreeHash Root)> RunAndKillAsync(
        string connectionString, string run, ConcurrentDictionary<Guid, long> acknowledged, int minimumAcks, CancellationToken ct)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "IdentityEhr.Storage.CrashProbe.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [probe])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PROBE_CONNECTION"] = connectionString;
        start.Environment["PROBE_SEED"] = Convert.ToHexString(s_seed);
        start.Environment["PROBE_RUN"] = run;
        using var process = Process.Start(start)!;
        (ulong, TreeHash) lastCheckpoint = (0, TreeHash.Empty);
        var checkpoints = 0;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            // WaitAsync: a pipe read does not always honour cancellation, and a silent probe must not hang the run.
            while (await process.StandardOutput.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(timeout.Token) is { } line)
            {
                var parts = line.Split(' ');
                if (parts[0] == "ack")
                {
                    var first = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    var ids = parts[3].Split(',');
                    for (var i = 0; i < ids.Length; i++)
                    {
                        acknowledged[Guid.Parse(ids[i])] = first + i;
                    }
                }
                else if (parts[0] == "checkpoint")
                {
                    checkpoints++;
                    Assert.True(TreeHash.TryParseBase64(parts[2], out var root));
                    lastCheckpoint = (ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), root);
                }

                if (acknowledged.Count >= minimumAcks && checkpoints >= 2)
                {
                    break;
                }
            }

        }
        finally
        {
            // SIGKILL: no chance to finish a transaction or flush anything.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }

        if (acknowledged.Count < minimumAcks)
        {
            Assert.Fail($"the probe stopped early: {await process.StandardError.ReadToEndAsync(ct)}");
        }

        return lastCheckpoint;
    }

    private static async Task AppendUntilStoppedAsync(EventStore store, string stream, ConcurrentDictionary<Guid, long> acknowledged, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var entries = Entries.Many(10, offset: n * 10).Select(e => e with { Id = Guid.CreateVersion7() }).ToArray();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var result = await store.AppendAsync(stream, ExpectedVersion.Any, entries, CancellationToken.None);
                    for (var i = 0; i < entries.Length; i++)
                    {
                        acknowledged[entries[i].Id] = result.FirstPosition + i;
                    }

                    break;
                }
                catch (StorageException)
                {
                    // The database is restarting; retry the same events (idempotent by id).
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void ProcessLedgerCleanup(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
