// Issue 7 cost targets, measured in one run on the embedded defaults (private PostgreSQL, anvil with the contracts):
//   dotnet run -c Release --project bench/IdentityEhr.Anchoring.Load
//   gas per anchor (first and later ones); anchoring cost per event for 1, 10, 1,000 and 100,000 events per period, each as a
//   ratio to anchoring every event on its own (1 event per period, the baseline measured in the same run) — it must fall as 1/N;
//   and the auditor's full check of one anchored receipt against the node (RPC included) for context.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.Embedded;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Events;

int[] volumes = [1, 10, 1_000, 100_000];
const int Periods = 3; // anchors per volume, so each figure is a median of three

await using var infrastructure = await Infrastructure.StartAsync(new EhrSettings());
var chain = infrastructure.Chain;
var contracts = chain.Contracts!;
using var client = new EthereumRpcClient(chain.Rpc);
var anchorKey = RandomNumberGenerator.GetBytes(32);
using var signing = new EthereumSigningKey(anchorKey);
using var logKey = PrivateKey.Generate(KeyType.Ed25519);
var signer = new NoteSigner("bench.identityehr/audit", logKey);
await DevelopmentDeployer.ProvisionAnchoringAsync(client, contracts.DidRegistry, contracts.ServiceIdentity, signing.Address, logKey.PublicKey.Bytes.ToArray(), []);
await using var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = infrastructure.Database.ConnectionString });
var did = $"did:ethr:0x{chain.ChainId.ToString("x", CultureInfo.InvariantCulture)}:{contracts.ServiceIdentity}";
using var anchorer = new Anchorer(store.Log.Anchors, client, anchorKey, new AnchorerOptions
{
    ServiceDid = did,
    ChainId = chain.ChainId,
    Contract = contracts.AuditAnchor,
    Period = TimeSpan.Zero,
    Finality = AnchorFinality.Depth(1),
});
Console.WriteLine($"anvil chain {chain.ChainId}, AuditAnchor {contracts.AuditAnchor}, anchoring from {signing.Address} as an 'anchor' delegate of {did}");

var time = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
var appended = 0;
var results = new List<(int Volume, ulong Gas, BigInteger PriceWei, double Seconds)>();
Guid lastEvent = default;
foreach (var volume in volumes)
{
    for (var period = 0; period < Periods; period++)
    {
        // One period's activity, then one anchor for all of it.
        for (var done = 0; done < volume; done += EventStore.MaxEventsPerAppend)
        {
            var batch = Enumerable.Range(0, Math.Min(EventStore.MaxEventsPerAppend, volume - done)).Select(_ =>
            {
                var n = appended++;
                return new AuditEntry
                {
                    Type = AuditEventType.AccessGranted,
                    Id = Guid.CreateVersion7(time.AddMilliseconds(n)),
                    Time = time.AddMilliseconds(n),
                    Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                    Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
                    Purpose = "TREAT",
                };
            }).ToArray();
            await store.AppendAsync("patient:synthetic", ExpectedVersion.Any, batch);
            lastEvent = batch[^1].Id;
        }

        await store.Log.CutCheckpointAsync(signer);
        var clock = Stopwatch.StartNew();
        var submitted = (await anchorer.TickAsync()).Submitted.Single();
        AnchorRecord? confirmed = null;
        while (confirmed is null)
        {
            await anchorer.TickAsync();
            confirmed = (await store.Log.Anchors.ListAsync(5, default)).FirstOrDefault(a => a.Transaction == submitted && a.Status == AnchorStatus.Confirmed);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var block = await client.GetBlockAsync(BlockTag.Number(confirmed.BlockNumber!.Value));
        var price = BigInteger.Min(confirmed.MaxFeePerGas, (block!.BaseFeePerGas ?? 0) + confirmed.MaxPriorityFeePerGas);
        results.Add((volume, confirmed.GasUsed!.Value, price, seconds));
        Console.WriteLine($"  {volume,7} events: anchor of tree size {confirmed.TreeSize,7} in block {confirmed.BlockNumber,4}, gas {confirmed.GasUsed,6}, {seconds * 1000:0} ms submit → confirmed");
    }
}

// The first anchor of the contract pays for two cold storage slots; later ones only update them.
Console.WriteLine();
Console.WriteLine($"gas of the first anchor: {results[0].Gas:N0}; gas of later anchors (median): {Median(results.Skip(1).Select(r => (double)r.Gas)):N0}");
var baseline = Median(results.Where(r => r.Volume == 1).Skip(1).Select(r => (double)r.Gas)); // per event when every event is anchored
Console.WriteLine($"{"events/period",13} {"gas/anchor",10} {"gas/event",10} {"ratio to 1/period",17} {"1/N",8} {"ETH/event @5 gwei",18}");
foreach (var group in results.GroupBy(r => r.Volume))
{
    var gas = Median(group.Skip(group.Key == 1 ? 1 : 0).Select(r => (double)r.Gas));
    var perEvent = gas / group.Key;
    Console.WriteLine(
        $"{group.Key,13:N0} {gas,10:N0} {perEvent,10:N2} {perEvent / baseline,17:0.000000} {1.0 / group.Key,8:0.000000} {perEvent * 5e-9,18:0.000000000000}");
}

// The auditor's full check of the last event's receipt against the node (every RPC included), for context.
await store.Log.CutCheckpointAsync(signer);
var (_, receipt) = await store.Log.ReceiptAsync(lastEvent);
using var verifier = new AnchoredReceiptVerifier(chain.Rpc, new AnchorTrust { ServiceDid = did, Contract = contracts.AuditAnchor, Finality = AnchorFinality.Depth(1) });
var timings = new List<double>();
for (var i = 0; i < 30; i++)
{
    var clock = Stopwatch.StartNew();
    var result = await verifier.VerifyAsync(receipt!);
    timings.Add(clock.Elapsed.TotalMilliseconds);
    if (!result.IsValid)
    {
        throw new InvalidOperationException(result.Detail);
    }
}

Console.WriteLine();
Console.WriteLine($"ehr audit verify --rpc of one receipt against local anvil, RPC included: median {Median(timings.Skip(5)):0.0} ms over 25 runs");
CryptographicOperations.ZeroMemory(anchorKey);

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
