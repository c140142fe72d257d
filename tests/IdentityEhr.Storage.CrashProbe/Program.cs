using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Events;

// Appends from several tasks and cuts checkpoints until killed. Prints, one line each and flushed:
//   ack <stream> <firstPosition> <id>,<id>,...   after an append is acknowledged
//   checkpoint <size> <root base64>              after a checkpoint is stored
// Synthetic entries only. Settings: PROBE_CONNECTION (connection string), PROBE_SEED (64 hex chars), PROBE_RUN (a label).
var connection = Environment.GetEnvironmentVariable("PROBE_CONNECTION") ?? throw new InvalidOperationException("PROBE_CONNECTION is not set");
var seed = Convert.FromHexString(Environment.GetEnvironmentVariable("PROBE_SEED") ?? throw new InvalidOperationException("PROBE_SEED is not set"));
var run = Environment.GetEnvironmentVariable("PROBE_RUN") ?? "run";
var output = Console.Out;
var gate = new Lock();
void Say(string line)
{
    lock (gate)
    {
        output.WriteLine(line);
        output.Flush();
    }
}

using var key = PrivateKey.Import(KeyType.Ed25519, seed);
var signer = new NoteSigner("probe.identityehr/audit", key);
await using var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = connection });
var checkpoints = Task.Run(async () =>
{
    while (true)
    {
        try
        {
            if (await store.Log.CutCheckpointAsync(signer) is { } checkpoint)
            {
                Say($"checkpoint {checkpoint.Checkpoint.TreeSize} {checkpoint.Checkpoint.RootHash}");
            }
        }
        catch (StorageException)
        {
        }

        await Task.Delay(50);
    }
});

var appenders = Enumerable.Range(0, 16).Select(a => Task.Run(async () =>
{
    var stream = $"probe:{run}:{a}";
    for (var n = 0; ; n++)
    {
        var entries = Enumerable.Range(0, 20).Select(i => new AuditEntry
        {
            Type = AuditEventType.AccessGranted,
            Id = Guid.CreateVersion7(),
            Time = AuditEntry.EntryTime(DateTimeOffset.UtcNow),
            Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
            Purpose = "TREAT",
        }).ToArray();

        // Retry the same entries until acknowledged: a retry after an unknown outcome must not duplicate them.
        while (true)
        {
            try
            {
                var result = await store.AppendAsync(stream, ExpectedVersion.Any, entries);
                Say($"ack {stream} {result.FirstPosition} {string.Join(',', entries.Select(e => e.Id))}");
                break;
            }
            catch (StorageException)
            {
                await Task.Delay(20);
            }
        }
    }
})).ToArray();

await Task.WhenAll([checkpoints, .. appenders]);
