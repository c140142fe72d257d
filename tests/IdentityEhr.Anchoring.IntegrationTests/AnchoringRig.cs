using System.Globalization;
using System.Security.Cryptography;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Embedded;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage;
using IdentityEhr.Storage.Events;
using IdentityEhr.Testing;
using Npgsql;

namespace IdentityEhr.Anchoring.IntegrationTests;

/// <summary>
/// One service's anchoring against its own anvil and its own schema: contracts deployed, a fresh anchor account made an
/// <c>anchor</c> delegate of the service identity (anvil account 1), the log key published in its DID document.
/// </summary>
public sealed class AnchoringRig : IAsyncDisposable
{
    public const string Origin = "anchoring.test/audit";
    public const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
    public const string Provider = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

    private readonly byte[] _anchorKey;
    private int _appended;

    private AnchoringRig(AnvilNode node, TestSchema schema, EventStore store, PrivateKey logKey, DeployedContracts contracts, byte[] anchorKey, AnchorerOptions options)
    {
        Node = node;
        Schema = schema;
        Store = store;
        LogKey = logKey;
        Signer = new NoteSigner(Origin, logKey);
        Contracts = contracts;
        _anchorKey = anchorKey;
        Options = options;
        // A short timeout, so a frozen node shows as failed rounds within a test's outage.
        Client = new EthereumRpcClient(node.Rpc, new HttpClient { Timeout = TimeSpan.FromSeconds(3) });
        Anvil = new AnvilControl(Client);
        Anchorer = new Anchorer(store.Log.Anchors, Client, anchorKey, options);
    }

    public AnvilNode Node { get; }

    public TestSchema Schema { get; }

    public EventStore Store { get; }

    public PrivateKey LogKey { get; }

    public NoteSigner Signer { get; }

    public DeployedContracts Contracts { get; }

    public AnchorerOptions Options { get; }

    public EthereumRpcClient Client { get; }

    public AnvilControl Anvil { get; }

    public Anchorer Anchorer { get; private set; }

    public string ServiceDid => Options.ServiceDid;

    /// <summary>Gets the tree size just after the last event this rig appended (anchoring events come after it).</summary>
    public ulong AppendedSize { get; private set; }

    public AnchorTrust Trust => new() { ServiceDid = ServiceDid, Contract = Contracts.AuditAnchor, Registry = Contracts.DidRegistry, Origin = Origin };

    public static async Task<AnchoringRig> StartAsync(PostgresFixture postgres, string owner, Func<AnchorerOptions, AnchorerOptions>? configure = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var node = await AnvilNode.StartAsync(
            new AnvilNodeOptions
            {
                Executable = LocalTools.FindAnvil(EhrSettings.Read(Environment.GetEnvironmentVariable).AnvilPath, [RepositoryPaths.Root]),
                Directory = ThrowawayDirectory.Create("anvil"),
            },
            logger: null, ct);
        using var client = new EthereumRpcClient(node.Rpc);
        var accounts = await client.GetAccountsAsync(ct);
        var contracts = await DevelopmentDeployer.DeployAsync(client, accounts[DevelopmentChain.DeployerAccount], accounts[DevelopmentChain.ServiceIdentityAccount], ct);

        var anchorKey = RandomNumberGenerator.GetBytes(32);
        using var signing = new EthereumSigningKey(anchorKey);
        var logKey = PrivateKey.Generate(KeyType.Ed25519);
        await DevelopmentDeployer.ProvisionAnchoringAsync(
            client, contracts.DidRegistry, contracts.ServiceIdentity, signing.Address, logKey.PublicKey.Bytes.ToArray(), [], ct);

        var schema = await postgres.CreateSchemaAsync(owner, ct);
        var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = schema.ConnectionString }, ct);
        var options = new AnchorerOptions
        {
            ServiceDid = $"did:ethr:0x{node.ChainId.ToString("x", CultureInfo.InvariantCulture)}:{contracts.ServiceIdentity}",
            ChainId = node.ChainId,
            Contract = contracts.AuditAnchor,
            Period = TimeSpan.Zero,
            PollInterval = TimeSpan.FromMilliseconds(200),
            StuckAfter = TimeSpan.FromSeconds(1),
            Finality = AnchorFinality.Depth(2),
        };
        return new AnchoringRig(node, schema, store, logKey, contracts, anchorKey, configure?.Invoke(options) ?? options);
    }

    /// <summary>Appends <paramref name="count"/> synthetic access events in batches of up to 1,000 and returns them.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(int count)
    {
        var time = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var entries = new List<AuditEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var n = Interlocked.Increment(ref _appended);
            entries.Add(new AuditEntry
            {
                Type = AuditEventType.AccessGranted,
                Id = Guid.CreateVersion7(time.AddMilliseconds(n)),
                Time = time.AddMilliseconds(n),
                Actor = Provider,
                Subject = Patient,
                Record = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                Purpose = "TREAT",
            });
        }

        foreach (var chunk in entries.Chunk(EventStore.MaxEventsPerAppend))
        {
            var result = await Store.AppendAsync("patient:synthetic", ExpectedVersion.Any, chunk, TestContext.Current.CancellationToken);
            lock (entries)
            {
                AppendedSize = Math.Max(AppendedSize, (ulong)result.LastPosition + 1);
            }
        }

        return entries;
    }

    public Task CutAsync() => Store.Log.CutCheckpointAsync(Signer, TestContext.Current.CancellationToken);

    /// <summary>Cuts a checkpoint and runs anchorer rounds (mining as needed) until an anchor covering every appended event is confirmed.</summary>
    public async Task<AnchorRecord> AnchorHeadAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await CutAsync();
        var head = AppendedSize;
        for (var round = 0; round < 50; round++)
        {
            await Anchorer.TickAsync(ct);
            if (await Store.Log.Anchors.LatestConfirmedAsync(Options.ChainId, ct) is { } confirmed && confirmed.TreeSize >= head)
            {
                return confirmed;
            }

            await MineForFinalityAsync();
        }

        throw new InvalidOperationException("no anchor was confirmed in 50 rounds");
    }

    /// <summary>Mines enough blocks for the anchorer's finality rule.</summary>
    public Task MineForFinalityAsync() =>
        Anvil.MineAsync(Options.Finality.Confirmations ?? 65, TestContext.Current.CancellationToken);

    public async Task<AuditReceipt> ReceiptAsync(Guid eventId)
    {
        var (status, receipt) = await Store.Log.ReceiptAsync(eventId, TestContext.Current.CancellationToken);
        Assert.Equal(ReceiptStatus.Ready, status);
        return receipt!;
    }

    public async Task<AnchoredVerification> VerifyAsync(AuditReceipt receipt, AnchorTrust? trust = null)
    {
        using var verifier = new AnchoredReceiptVerifier(Node.Rpc, trust ?? Trust with { Finality = Options.Finality });
        return await verifier.VerifyAsync(receipt, TestContext.Current.CancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> AnchorEventsAsync()
    {
        var events = new List<AuditEntry>();
        await foreach (var recorded in Store.ReadStreamAsync(AnchorStore.StreamId, 1, ReadDirection.Forward, 1000, TestContext.Current.CancellationToken))
        {
            events.Add(recorded.Entry);
        }

        return events;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Schema.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    public async Task SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Schema.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Creates another anchorer of the same log, key and chain, as a second instance of the service would run.</summary>
    public Anchorer CreateAnchorer() => new(Store.Log.Anchors, Client, _anchorKey, Options);

    /// <summary>Rotates the anchor account: a fresh key, made an anchor delegate and funded, used by a new anchorer (same journal).</summary>
    public async Task RotateAnchorKeyAsync()
    {
        var fresh = RandomNumberGenerator.GetBytes(32);
        using (var signing = new EthereumSigningKey(fresh))
        {
            await DevelopmentDeployer.ProvisionAnchoringAsync(
                Client, Contracts.DidRegistry, Contracts.ServiceIdentity, signing.Address, LogKey.PublicKey.Bytes.ToArray(),
                [LogKey.PublicKey.Bytes.ToArray()], TestContext.Current.CancellationToken);
        }

        fresh.CopyTo(_anchorKey, 0);
        Anchorer.Dispose();
        Anchorer = new Anchorer(Store.Log.Anchors, Client, _anchorKey, Options);
        CryptographicOperations.ZeroMemory(fresh);
    }

    /// <summary>Replaces the anchorer (same key and journal) with other options, as a restart with new settings would.</summary>
    public void Reconfigure(Func<AnchorerOptions, AnchorerOptions> configure)
    {
        Anchorer.Dispose();
        Anchorer = new Anchorer(Store.Log.Anchors, Client, _anchorKey, configure(Options));
    }

    public async ValueTask DisposeAsync()
    {
        Anchorer.Dispose();
        Client.Dispose();
        await Store.DisposeAsync();
        await Schema.DisposeAsync();
        await Node.DisposeAsync();
        LogKey.Dispose();
        CryptographicOperations.ZeroMemory(_anchorKey);
    }
}
