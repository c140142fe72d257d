// Issue 4 targets, measured in one run on a private anvil (dotnet run -c Release --project bench/IdentityEhr.Ethereum.Load):
//   did:ethr resolution of a DID with 10 changes: median ≤ 5 ms uncached, ≤ 50 µs cached; compared with ethr-did-resolver 11.1.3;
//   transaction signing ≥ 1,000/s, compared with the bare secp256k1 signature of the same hash.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using IdentityEhr.Embedded;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Ethereum.Transactions;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;

var root = FindRoot();
await using var node = await AnvilNode.StartAsync(new AnvilNodeOptions { Executable = LocalTools.FindAnvil(null, [root]), Directory = ThrowawayDirectory.Create("anvil") });
using var client = new EthereumRpcClient(node.Rpc);
var accounts = await client.GetAccountsAsync();
var contracts = await DevelopmentDeployer.DeployAsync(client, accounts[0], accounts[1]);

// A DID with 10 changes: 10 service attributes, each in its own block.
var identity = accounts[5];
for (var i = 0; i < 10; i++)
{
    var data = EthereumDidRegistry.SetAttributeCall(identity, $"did/svc/Service{i}", System.Text.Encoding.UTF8.GetBytes($"https://s{i}.example.org"), 86400);
    var hash = await client.SendNodeSignedTransactionAsync(identity, contracts.DidRegistry, data, 200_000);
    await client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10));
}

var did = Did.Parse($"did:ethr:0x{node.ChainId:x}:{identity}");
using var ethr = new EthrDid([new EthrNetwork("dev", node.ChainId, node.Rpc, contracts.DidRegistry)], TimeProvider.System);
var cached = new DidResolver([ethr], TimeProvider.System);
var services = (await ethr.ResolveAsync(did, DidResolutionOptions.Default, default)).DidDocument!.Services.Count;
if (services != 10)
{
    throw new InvalidOperationException($"expected 10 services, got {services}");
}

var uncached = await MedianAsync(200, async () => await ethr.ResolveAsync(did, DidResolutionOptions.Default, default));
await cached.ResolveAsync(did);
var cachedMedian = await MedianAsync(100_000, async () => await cached.ResolveAsync(did));

var reference = JsonDocument.Parse(await RunNodeAsync(root, "tests/Interop/did-ethr-bench.mjs", node.Rpc.ToString(), node.ChainId.ToString(CultureInfo.InvariantCulture), contracts.DidRegistry.ToString(), did.ToString(), "200")).RootElement;
var referenceMedian = TimeSpan.FromMilliseconds(reference.GetProperty("medianMs").GetDouble());

// Signing: a full EIP-1559 transaction (RLP, Keccak, RFC 6979 ECDSA, recovery id) against the bare signature of one hash.
using var key = new EthereumSigningKey(Secp256k1.GeneratePrivateKey());
var transaction = new Eip1559Transaction(node.ChainId, 7, 1_000_000_000, 3_000_000_000, 60_000, contracts.AuditAnchor, BigInteger.Zero, AuditAnchorContract.AnchorCall(new byte[32], 42));
var signingHash = transaction.GetSigningHash();
var signPerSecond = Throughput(TimeSpan.FromSeconds(3), () => transaction.Sign(key));
var bareSignPerSecond = Throughput(TimeSpan.FromSeconds(3), () => key.SignRecoverable(signingHash));

Console.WriteLine($"| did:ethr resolution, 10 changes, uncached (median of 200) | {uncached.TotalMilliseconds:0.00} ms | ethr-did-resolver 11.1.3 (median of 200, same anvil): {referenceMedian.TotalMilliseconds:0.00} ms | {uncached / referenceMedian:0.00}× |");
Console.WriteLine($"| did:ethr resolution, cached (median of 100,000) | {cachedMedian.TotalMicroseconds:0.0} µs | uncached above | {cachedMedian / uncached:0.0000}× |");
Console.WriteLine($"| EIP-1559 transaction signing (one thread, 3 s) | {signPerSecond:N0}/s | bare secp256k1 signature of the hash: {bareSignPerSecond:N0}/s | {signPerSecond / bareSignPerSecond:0.00}× |");

static async Task<TimeSpan> MedianAsync(int count, Func<Task> action)
{
    var times = new double[count];
    for (var i = 0; i < count; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(times);
    return TimeSpan.FromMilliseconds(times[count / 2]);
}

static double Throughput(TimeSpan duration, Action action)
{
    for (var i = 0; i < 50; i++)
    {
        action();
    }

    var operations = 0;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed < duration)
    {
        action();
        operations++;
    }

    return operations / watch.Elapsed.TotalSeconds;
}

static async Task<string> RunNodeAsync(string root, params string[] arguments)
{
    var start = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? output : throw new InvalidOperationException($"node exited {process.ExitCode}");
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "IdentityEhr.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository.");
}
