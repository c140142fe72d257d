using System.Diagnostics;
using System.Text.Json;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Access.Load;

/// <summary>
/// The access endpoint's steps without HTTP, in this process, on its own database of the same PostgreSQL cluster: read the
/// record (<see cref="RecordVault.FindReleasableAsync"/>), <see cref="ConsentVerifier.VerifyAsync"/>, resolve the holder's
/// key-agreement key, <see cref="RecordVault.ReleaseFoundAsync"/>
/// (with its <c>AccessGranted</c> append and the erasure re-read) and write the release document as UTF-8. Presentations
/// are signed beforehand, each for its own challenge, so the client's work is not in the figure.
/// </summary>
internal static class InProcessBound
{
    public static async Task<(double Rate, string Latency, TimeSpan Cpu, TimeSpan Postgres)> RunAsync(
        string connectionString, int? postmaster, AccessScenario scenario, byte[] fhir, string domain, int concurrency, int requests, CancellationToken cancellationToken)
    {
        await PostgresServer.EnsureDatabaseAsync(connectionString, "bound", cancellationToken);
        await using var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = PostgresServer.WithDatabase(connectionString, "bound") }, cancellationToken);
        using var custody = CustodyKey.Generate();
        var vault = new RecordVault(store, new RecordVaultOptions { CustodyKeys = new CustodyKeyRing(custody) });

        // The same records (same patients, same bytes), stored directly.
        var ids = new string[scenario.Records.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var patient = scenario.Records[i].Patient;
            var stored = await vault.PutAsync(new RecordSubmission(scenario.PatientDid(patient), scenario.ProviderDid(i % scenario.Providers), AccessScenario.ResourceType, fhir), cancellationToken);
            ids[i] = stored.RecordId;
        }

        var time = TimeProvider.System;
        var challenges = new ChallengeRegistry(time, TimeSpan.FromMinutes(5));
        var resolver = new DidResolver([new DidKey()], time);
        var verifier = new ConsentVerifier(resolver, challenges, new Lists(scenario.StatusLists), new VerifierOptions(domain), time);

        var warmUp = Math.Min(2_000, requests / 4);
        var bodies = new byte[warmUp + requests][];
        for (var k = 0; k < bodies.Length; k++)
        {
            var (provider, record) = Pick(k, scenario);
            var access = scenario.AccessBody(scenario.Records[record].Patient, provider, challenges.Issue(), domain);
            bodies[k] = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(access).RootElement.GetProperty("presentation"));
        }

        async Task OneAsync(int k)
        {
            var (_, r) = Pick(k, scenario);
            var found = await vault.FindReleasableAsync(ids[r], null, cancellationToken);
            var record = found.Record;
            var request = new AccessRequest(Did.Parse(record.Patient), record.ResourceType, record.RecordId, AccessScenario.Purpose);
            var decision = await verifier.VerifyAsync(bodies[k], request, cancellationToken);
            if (!decision.Granted)
            {
                throw new InvalidOperationException($"in-process decision refused: {decision.Reason}");
            }

            var holder = await resolver.ResolveAsync(Did.Parse(decision.Evidence.Holder!), null, cancellationToken);
            if (holder.DidDocument is not { } document || !RecordRecipient.TryFromDocument(document, out var recipient))
            {
                throw new InvalidOperationException("the holder has no key-agreement key");
            }

            var release = await vault.ReleaseFoundAsync(request, decision, recipient, found, cancellationToken: cancellationToken);
            _ = release.ToUtf8Json();
        }

        await RunAsync(concurrency, 0, warmUp, OneAsync, null);
        var latencies = new double[requests];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var postgres = postmaster is { } pid ? Cpu.ClusterTime(pid) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        await RunAsync(concurrency, warmUp, warmUp + requests, OneAsync, latencies);
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        postgres = (postmaster is { } p ? Cpu.ClusterTime(p) : TimeSpan.Zero) - postgres;
        return (requests / clock.Elapsed.TotalSeconds, Recorder.Describe(latencies), cpu / requests, postgres / requests);
    }

    private static (int Provider, int Record) Pick(long k, AccessScenario scenario) =>
        ((int)(k % scenario.Providers), (int)(k / scenario.Providers % scenario.Records.Count));

    private static async Task RunAsync(int callers, int from, int to, Func<int, Task> work, double[]? latencies)
    {
        var next = from - 1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < to)
            {
                var started = Stopwatch.GetTimestamp();
                await work(i);
                if (latencies is not null)
                {
                    latencies[i - from] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }
        })));
    }

    /// <summary>The patients' status lists, as the service hosts them.</summary>
    private sealed class Lists(IReadOnlyDictionary<string, byte[]> lists) : IStatusListSource
    {
        public ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken) => ValueTask.FromResult(lists.GetValueOrDefault(url));
    }
}
