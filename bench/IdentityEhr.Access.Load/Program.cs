// Issue 9 acceptance: the consent-gated access (challenge → VP → verification + key release + AccessGranted append) over real
// HTTP on loopback, against the real service as a child process on a private durable PostgreSQL and anvil.
//   dotnet run -c Release --no-build --project bench/IdentityEhr.Access.Load -- [--concurrency 64] [--duration 20s] [--providers 16]
//     throughput: closed loop; requests/s, latency, errors by status; the HTTP floor (challenges alone); the client's cost; the
//     same pipeline in-process at the same concurrency (the bound) and the ratio HTTP/in-process.
//   dotnet run -c Release --no-build --project bench/IdentityEhr.Access.Load -- --soak [--rate 500] [--duration 30m] [--sample 30s]
//     soak: open loop at a fixed rate; the service's resident memory sampled; at the end, no lost audit entries.
// Both end with the lost-entry check: every granted response's AccessGranted event is in the log and in a signed checkpoint.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using IdentityEhr.Access.Load;
using IdentityEhr.Embedded;

var soak = args.Contains("--soak");
var concurrency = Option("--concurrency", 32);
var duration = Duration("--duration", soak ? TimeSpan.FromMinutes(30) : TimeSpan.FromSeconds(20));
var warmUp = Duration("--warmup", TimeSpan.FromSeconds(30));
var rate = Option("--rate", 500);
var sample = Duration("--sample", TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 60, 5, 30)));
var providers = Option("--providers", 16);
var patients = Option("--patients", 4);
var recordsPerPatient = Option("--records", 16);
var recordBytes = Option("--record-bytes", 4096);
var boundRequests = Option("--bound-requests", 20_000);
var maxInFlight = Option("--max-in-flight", 2_000);
var serviceDll = Text("--service-dll") ?? Path.Combine(RepositoryRoot(), "src/Api/bin/Release/net10.0/IdentityEhr.Api.dll");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var ct = stop.Token;

var directory = ThrowawayDirectory.Create("accessload");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; data in {directory}");
var infrastructure = await Infrastructure.StartAsync(new EhrSettings { DataDirectory = Path.Combine(directory, "infra") }, null, ct);
var environment = new Dictionary<string, string>
{
    ["EHR_POSTGRES"] = infrastructure.Database.ConnectionString,
    ["EHR_ETH_RPC"] = infrastructure.Chain.Rpc.ToString(),
    ["EHR_CHAIN_ID"] = infrastructure.Chain.ChainId.ToString(CultureInfo.InvariantCulture),
    ["EHR_DATA_DIR"] = Path.Combine(directory, "service"),
    ["EHR_ANCHORING"] = "off",
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
};
foreach (var (name, value) in Pairs("--service-env"))
{
    environment[name] = value;
}

var exit = 1;
var service = await ServiceProcess.StartAsync(serviceDll, environment, TimeSpan.FromMinutes(2));
try
{
    var postmaster = Cpu.FindPostmaster(Path.Combine(directory, "infra"));
    using var handler = new SocketsHttpHandler
    {
        MaxConnectionsPerServer = soak ? maxInFlight : concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    Console.WriteLine($"service: pid {service.Id} at {service.Address} (PostgreSQL durable, anchoring off, checkpoints every second)");

    using var scenario = new AccessScenario(patients, providers);
    var fhir = AccessScenario.SyntheticObservation(recordBytes);
    var setUp = Stopwatch.StartNew();
    await scenario.SetUpAsync(http, service.Address, recordsPerPatient, fhir, ct);
    Console.WriteLine($"set-up: {patients} patients (a status list each), {providers} providers ({patients * providers} consents), {scenario.Records.Count} records of {fhir.Length:N0} bytes, in {setUp.Elapsed.TotalSeconds:F1} s");
    var client = new AccessClient(http, service.Address, scenario);

    var recorder = new Recorder();
    bool lostNone;
    var soakMet = true;
    if (args.Contains("--breakdown"))
    {
        // Where the time goes, step by step on one thread (the domain comes with the service's first challenge).
        lostNone = (await client.AccessAsync(0, ct)).Error is null;
        await Breakdown.RunAsync(infrastructure.Database.ConnectionString, scenario, fhir, client.Domain!, ct);
    }
    else if (!soak)
    {
        // The HTTP floor: a challenge alone (no body to speak of, no database), same client, same concurrency.
        var floor = await ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), async k =>
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(new Uri(service.Address, "/access/challenges"), new ByteArrayContent("{}"u8.ToArray()), ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            return (response.StatusCode == HttpStatusCode.Created, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        Console.WriteLine($"HTTP floor, POST /access/challenges alone ({concurrency} connections): {floor.Rate:N0}/s; {floor.Latency}");

        // Warm up (JIT, caches, connections), then the measured window.
        var warm = new Recorder();
        await ClosedLoopAsync(concurrency, TimeSpan.Zero, warmUp, async k =>
        {
            var outcome = await client.AccessAsync(k, ct);
            warm.Add(outcome);
            return (outcome.Error is null, 0);
        });
        if (warm.Errors > 0)
        {
            Console.WriteLine($"warm-up errors: {warm.ErrorSummary()} (service stderr: {service.Errors()})");
        }

        var cpu = CpuSnapshot.Take(service, postmaster);
        var run = await ClosedLoopAsync(concurrency, TimeSpan.Zero, duration, async k =>
        {
            var outcome = await client.AccessAsync(k + 10_000_000, ct);
            recorder.Add(outcome);
            return (outcome.Error is null, 0);
        });
        var used = CpuSnapshot.Take(service, postmaster) - cpu;
        var httpRate = recorder.Granted / run.Elapsed.TotalSeconds;
        var httpCpu = (used.Client + used.Service + used.Postgres) / Math.Max(1, recorder.Granted);
        Console.WriteLine($"consent-gated access over HTTP, closed loop, {concurrency} concurrent clients, {run.Elapsed.TotalSeconds:F1} s: {httpRate:N0} granted accesses/s ({recorder.Granted:N0}); errors: {recorder.ErrorSummary()}");
        Console.WriteLine(recorder.Latencies());
        Console.WriteLine(used.Describe(recorder.Granted, run.Elapsed));
        Console.WriteLine($"  CPU-bound ceiling if the {Environment.ProcessorCount} cores were the run's alone: {Environment.ProcessorCount / httpCpu.TotalSeconds:N0} accesses/s " +
            $"({httpCpu.TotalMicroseconds:F0} µs of client + service + PostgreSQL CPU each)");

        // The client's own cost, on one thread: one presentation (JSON + JCS + Ed25519) per access.
        var signed = 0;
        var signing = Stopwatch.StartNew();
        while (signing.Elapsed < TimeSpan.FromSeconds(2))
        {
            _ = scenario.AccessBody(0, signed % providers, "challenge-of-22-chars0", client.Domain!);
            signed++;
        }

        Console.WriteLine($"client: one access body (VP with the consent, eddsa-jcs-2022) signs in {signing.Elapsed.TotalMicroseconds / signed:F1} µs on one thread");

        lostNone = await AuditCheck.RunAsync(http, service.Address, infrastructure.Database.ConnectionString, recorder.GrantedEvents, 100, ct);

        if (!args.Contains("--no-bound"))
        {
            var bound = await InProcessBound.RunAsync(infrastructure.Database.ConnectionString, postmaster, scenario, fhir, client.Domain!, concurrency, boundRequests, ct);
            Console.WriteLine($"in-process bound (same steps, no HTTP, presentations signed beforehand, {concurrency} callers, {boundRequests:N0} accesses): {bound.Rate:N0}/s; {bound.Latency}; " +
                $"{bound.Cpu.TotalMicroseconds:F0} µs of this process's CPU and {bound.Postgres.TotalMicroseconds:F0} µs of PostgreSQL's each");
            var boundCpu = bound.Cpu + bound.Postgres;
            Console.WriteLine($"ratio HTTP/in-process in CPU per access (less sensitive to whatever else runs): {httpCpu / boundCpu:F2}x; " +
                $"the bound's CPU-bound ceiling on {Environment.ProcessorCount} cores: {Environment.ProcessorCount / boundCpu.TotalSeconds:N0}/s");
            Console.WriteLine($"ratio HTTP/in-process: {httpRate / bound.Rate:F2}x; HTTP access p99 {recorder.AccessPercentile(0.99):F2} ms (target ≥ 2,000/s, p99 ≤ 50 ms, no errors: " +
                $"{(httpRate >= 2_000 && recorder.AccessPercentile(0.99) <= 50 && recorder.Errors == 0 ? "met" : "NOT met")})");
        }
    }
    else
    {
        soakMet = await SoakAsync(client, recorder);
        lostNone = await AuditCheck.RunAsync(http, service.Address, infrastructure.Database.ConnectionString, recorder.GrantedEvents, 200, ct);
    }

    exit = lostNone && soakMet ? 0 : 1;
}
finally
{
    await service.DisposeAsync();
    await infrastructure.DisposeAsync();
    Directory.Delete(directory, recursive: true);
}

return exit;

async Task<bool> SoakAsync(AccessClient client, Recorder recorder)
{
    Console.WriteLine($"soak: open loop at {rate}/s for {duration}, the service's memory every {sample.TotalSeconds:F0} s (at most {maxInFlight} in flight)");
    Console.WriteLine("  elapsed   VmRSS MiB  RssAnon MiB   granted    errors  window/s  window p99 ms");
    var samples = new List<(TimeSpan At, double Rss, double Anonymous)>();
    var inFlight = 0;
    var pending = new List<Task>();
    var start = Stopwatch.GetTimestamp();
    long sent = 0;
    var nextSample = sample;
    var lastGranted = 0L;
    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
    while (Stopwatch.GetElapsedTime(start) is var elapsed && elapsed < duration && !ct.IsCancellationRequested)
    {
        var due = (long)(elapsed.TotalSeconds * rate);
        for (; sent < due; sent++)
        {
            var scheduled = start + (long)(sent * (double)Stopwatch.Frequency / rate);
            if (Volatile.Read(ref inFlight) >= maxInFlight)
            {
                recorder.AddError("client: too many in flight");
                continue;
            }

            Interlocked.Increment(ref inFlight);
            var k = sent;
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    recorder.Add(await client.AccessAsync(k, ct), scheduled);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }, ct));
        }

        if (pending.Count > 10_000)
        {
            pending.RemoveAll(t => t.IsCompleted);
        }

        if (elapsed >= nextSample)
        {
            var (rss, anonymous) = service.Memory();
            var granted = recorder.Granted;
            var (p99, _) = recorder.TakeWindow();
            samples.Add((elapsed, rss / 1024.0, anonymous / 1024.0));
            Console.WriteLine($"  {elapsed:hh\\:mm\\:ss}  {rss / 1024.0,10:F1}  {anonymous / 1024.0,11:F1}  {granted,8:N0}  {recorder.Errors,8:N0}  {(granted - lastGranted) / sample.TotalSeconds,8:N0}  {p99,13:F2}");
            lastGranted = granted;
            nextSample += sample;
        }

        await timer.WaitForNextTickAsync(ct);
    }

    await Task.WhenAll(pending);
    var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    Console.WriteLine($"soak: {sent:N0} scheduled, {recorder.Granted:N0} granted ({recorder.Granted / seconds:N0}/s); errors: {recorder.ErrorSummary()}");
    Console.WriteLine(recorder.Latencies());

    // Flat: the last quarter's mean resident set within 10 % of the second quarter's (the first quarter is warm-up: JIT, pools,
    // and the challenge registry filling to its steady state of ten minutes of challenges).
    var quarter = duration / 4;
    double Mean(int q) => samples.Where(s => s.At >= quarter * q && s.At < quarter * (q + 1)).Select(s => s.Rss).DefaultIfEmpty(double.NaN).Average();
    var second = Mean(1);
    var last = Mean(3);
    var flat = last <= second * 1.10;
    Console.WriteLine($"memory: VmRSS mean second quarter {second:F1} MiB, last quarter {last:F1} MiB ({(last / second - 1) * 100:+0.0;-0.0} %); " +
        $"min {samples.Min(s => s.Rss):F1}, max {samples.Max(s => s.Rss):F1} MiB → {(flat ? "flat" : "NOT flat")} (bound: last ≤ 1.10 × second)");

    // Also: the third quarter against the last, and the trend of the second half (least squares), past the warm-up.
    var half = samples.Where(s => s.At >= duration / 2).ToList();
    var meanAt = half.Average(s => s.At.TotalMinutes);
    var meanRss = half.Average(s => s.Rss);
    var slope = half.Sum(s => (s.At.TotalMinutes - meanAt) * (s.Rss - meanRss)) / Math.Max(1e-9, half.Sum(s => Math.Pow(s.At.TotalMinutes - meanAt, 2)));
    Console.WriteLine($"  third quarter {Mean(2):F1} MiB, last quarter {last:F1} MiB; trend of the second half {slope:+0.00;-0.00} MiB/min");
    return flat && recorder.Errors == 0;
}

async Task<(double Rate, string Latency, TimeSpan Elapsed)> ClosedLoopAsync(int callers, TimeSpan warm, TimeSpan length, Func<long, Task<(bool Ok, double Ms)>> work)
{
    long next = -1;
    var latencies = new List<double>();
    var ok = 0L;
    var start = Stopwatch.GetTimestamp();
    var measuring = start + (long)(warm.TotalSeconds * Stopwatch.Frequency);
    var end = measuring + (long)(length.TotalSeconds * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
    {
        while (Stopwatch.GetTimestamp() < end && !ct.IsCancellationRequested)
        {
            var (success, ms) = await work(Interlocked.Increment(ref next));
            if (Stopwatch.GetTimestamp() >= measuring && success)
            {
                Interlocked.Increment(ref ok);
                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        }
    })));
    var elapsed = Stopwatch.GetElapsedTime(measuring);
    return (ok / elapsed.TotalSeconds, Recorder.Describe(latencies), elapsed);
}

int Option(string name, int fallback) => Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? Text(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

IEnumerable<(string Name, string Value)> Pairs(string name)
{
    for (var i = 0; i + 1 < args.Length; i++)
    {
        if (args[i] == name && args[i + 1].Split('=', 2) is [var key, var value])
        {
            yield return (key, value);
        }
    }
}

TimeSpan Duration(string name, TimeSpan fallback)
{
    if (Text(name) is not { Length: > 1 } text)
    {
        return fallback;
    }

    var number = double.Parse(text[..^1], CultureInfo.InvariantCulture);
    return text[^1] switch
    {
        's' => TimeSpan.FromSeconds(number),
        'm' => TimeSpan.FromMinutes(number),
        'h' => TimeSpan.FromHours(number),
        _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
    };
}

static string RepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "IdentityEhr.sln")))
        {
            return folder.FullName;
        }
    }

    throw new InvalidOperationException("IdentityEhr.sln not found above the program; give --service-dll");
}
