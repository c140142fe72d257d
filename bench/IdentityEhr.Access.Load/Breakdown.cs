using System.Diagnostics;
using System.Text;
using System.Text.Json;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Access.Load;

/// <summary>
/// Where one access's time goes, on one thread, each step alone and repeated: what the endpoint does in order, so the
/// heaviest step is plain. Steps without I/O are CPU; the database steps include their round trip (one caller, no batching).
/// </summary>
internal static class Breakdown
{
    public static async Task RunAsync(string connectionString, AccessScenario scenario, byte[] fhir, string domain, CancellationToken cancellationToken)
    {
        await PostgresServer.EnsureDatabaseAsync(connectionString, "breakdown", cancellationToken);
        await using var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = PostgresServer.WithDatabase(connectionString, "breakdown") }, cancellationToken);
        using var custody = CustodyKey.Generate();
        var vault = new RecordVault(store, new RecordVaultOptions { CustodyKeys = new CustodyKeyRing(custody) });
        var stored = await vault.PutAsync(new RecordSubmission(scenario.PatientDid(0), scenario.ProviderDid(0), AccessScenario.ResourceType, fhir), cancellationToken);

        var time = TimeProvider.System;
        var challenges = new ChallengeRegistry(time, TimeSpan.FromMinutes(5));
        var resolver = new DidResolver([new DidKey()], time);
        var verifier = new ConsentVerifier(resolver, challenges, new Lists(scenario.StatusLists), new VerifierOptions(domain), time);
        var request = new AccessRequest(Did.Parse(stored.Patient), stored.ResourceType, stored.RecordId, AccessScenario.Purpose);
        const int N = 3_000;
        var bodies = Enumerable.Range(0, N * 2).Select(_ => scenario.AccessBody(0, 0, challenges.Issue(), domain)).ToArray();
        var presentations = bodies.Select(b => Encoding.UTF8.GetBytes(JsonDocument.Parse(b).RootElement.GetProperty("presentation").GetRawText())).ToArray();
        var decision = await verifier.VerifyAsync(presentations[0], request, cancellationToken);
        var holder = await resolver.ResolveAsync(Did.Parse(decision.Evidence.Holder!), null, cancellationToken);
        RecordRecipient.TryFromDocument(holder.DidDocument!, out var recipient);
        var wrapped = custody.Wrap(RecordCipher.NewDataKey(), stored.Address);
        var ciphertext = new byte[fhir.Length + RecordCipher.Overhead];
        var release = RecordRelease.Create(stored, ciphertext, new byte[32], recipient!, Guid.NewGuid());
        var next = 1;

        Console.WriteLine($"breakdown, one thread, {N:N0} each (µs per call; KiB allocated per call):");
        await StepAsync("client: sign the access body (VP + consent)", N, i => { _ = scenario.AccessBody(0, 0, "challenge-of-22-chars0", domain); return Task.CompletedTask; });
        await StepAsync("endpoint: read the body, presentation as bytes", N, i =>
        {
            using var document = JsonDocument.Parse(bodies[i]);
            _ = Encoding.UTF8.GetBytes(document.RootElement.GetProperty("presentation").GetRawText());
            return Task.CompletedTask;
        });
        await StepAsync("vault.FindAsync (metadata read, round trip)", N, i => vault.FindAsync(stored.RecordId, null, cancellationToken));
        await StepAsync("vault.FindReleasableAsync (read with ciphertext, round trip)", N, i => vault.FindReleasableAsync(stored.RecordId, null, cancellationToken));
        await StepAsync("ConsentVerifier.VerifyAsync (DIDs and list cached)", N, async i =>
        {
            var d = await verifier.VerifyAsync(presentations[next++], request, cancellationToken);
            if (!d.Granted)
            {
                throw new InvalidOperationException(d.Reason.ToString());
            }
        });
        await StepAsync("holder resolution + key-agreement key", N, async i =>
        {
            var h = await resolver.ResolveAsync(Did.Parse(decision.Evidence.Holder!), null, cancellationToken);
            RecordRecipient.TryFromDocument(h.DidDocument!, out _);
        });
        await StepAsync("release crypto: unwrap + RecordRelease.Create (JWE)", N, i =>
        {
            custody.TryUnwrap(wrapped, stored.Address, out var key);
            _ = RecordRelease.Create(stored, ciphertext, key, recipient!, Guid.Empty);
            return Task.CompletedTask;
        });
        await StepAsync("release document: ToJson().ToJsonString() + UTF-8", N, i =>
        {
            _ = Encoding.UTF8.GetBytes(release.ToJson().ToJsonString());
            return Task.CompletedTask;
        });
        await StepAsync("release document: ToUtf8Json()", N, i =>
        {
            _ = release.ToUtf8Json();
            return Task.CompletedTask;
        });
        await StepAsync("vault.ReleaseAsync (read + crypto + append + re-read)", N, i => vault.ReleaseAsync(request, decision, recipient!, null, cancellationToken: cancellationToken));
        var found = await vault.FindReleasableAsync(stored.RecordId, null, cancellationToken);
        await StepAsync("vault.ReleaseFoundAsync of a FindReleasableAsync read (crypto + append + re-read)", N, i => vault.ReleaseFoundAsync(request, decision, recipient!, found, cancellationToken: cancellationToken));
    }

    private static async Task StepAsync(string name, int count, Func<int, Task> step)
    {
        for (var i = 0; i < 200; i++)
        {
            await step(i);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await step(i);
        }

        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: false) - allocated;
        Console.WriteLine($"  {name,-58} wall {clock.Elapsed.TotalMicroseconds / count,7:F1} µs, CPU {cpu.TotalMicroseconds / count,7:F1} µs, {allocated / 1024.0 / count,6:F1} KiB");
    }

    private sealed class Lists(IReadOnlyDictionary<string, byte[]> lists) : IStatusListSource
    {
        public ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken) => ValueTask.FromResult(lists.GetValueOrDefault(url));
    }
}
