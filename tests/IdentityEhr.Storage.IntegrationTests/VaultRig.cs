using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;
using Npgsql;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>An event store and a record vault on a fresh schema, with the directory backend when asked for.</summary>
internal sealed class VaultRig : IAsyncDisposable
{
    public const string Provider = Entries.Provider;
    public const string Patient = Entries.Patient;
    public const string OtherPatient = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH";

    private VaultRig(TestSchema schema, EventStore store, RecordVault vault, string folder, CustodyKeyRing keys)
    {
        Schema = schema;
        Store = store;
        Vault = vault;
        Folder = folder;
        Keys = keys;
    }

    public TestSchema Schema { get; }

    public EventStore Store { get; }

    public RecordVault Vault { get; }

    /// <summary>Gets a private folder: the custody key file and, for the directory backend, the blobs below it.</summary>
    public string Folder { get; }

    public string KeyFile => Path.Combine(Folder, "custody.key");

    public string BlobFolder => Path.Combine(Folder, "blobs");

    public CustodyKeyRing Keys { get; }

    /// <summary>The requester's key-agreement key.</summary>
    public PrivateKey Requester { get; } = PrivateKey.Generate(KeyType.X25519);

    public RecordRecipient Recipient => new(Requester.PublicKey, Provider + "#key-agreement-1");

    public static async Task<VaultRig> StartAsync(PostgresFixture postgres, string owner, bool directory, CancellationToken cancellationToken)
    {
        var schema = await postgres.CreateSchemaAsync(owner, cancellationToken);
        var store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = schema.ConnectionString }, cancellationToken);
        var folder = Directory.CreateTempSubdirectory("ehr-vault-").FullName;
        var keys = CustodyKeyFile.LoadOrCreate(Path.Combine(folder, "custody.key"));
        var vault = new RecordVault(store, new RecordVaultOptions { CustodyKeys = keys, BlobDirectory = directory ? Path.Combine(folder, "blobs") : null });
        return new VaultRig(schema, store, vault, folder, keys);
    }

    public RecordVault Reopen(CustodyKeyRing keys, bool directory) =>
        new(Store, new RecordVaultOptions { CustodyKeys = keys, BlobDirectory = directory ? BlobFolder : null });

    public Task<StoredRecord> PutAsync(byte[] content, string resourceType = "Observation", string patient = Patient, string? recordId = null) =>
        Vault.PutAsync(new RecordSubmission(patient, Provider, resourceType, content) { RecordId = recordId }, TestContext.Current.CancellationToken);

    public static AccessRequest Request(StoredRecord record, string? resourceType = null, string? patient = null) =>
        new(Did.Parse(patient ?? record.Patient), resourceType ?? record.ResourceType, record.RecordId, "TREAT");

    public static AccessDecision Granted { get; } = new(AccessReason.Granted, new AccessEvidence(
        PresentationHash: new string('a', 64), CredentialHash: new string('b', 64), Holder: Provider, Issuer: Patient));

    public Task<RecordRelease> ReleaseAsync(StoredRecord record, int? version = null, AccessDecision? decision = null, RecordRecipient? recipient = null) =>
        Vault.ReleaseAsync(Request(record), decision ?? Granted, recipient ?? Recipient, version, consent: "urn:uuid:0193a000-0000-7000-8000-000000000001",
            cancellationToken: TestContext.Current.CancellationToken);

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Schema.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql, params object[] parameters) => await ScalarAsync("WITH done AS (" + sql + " RETURNING 1) SELECT count(*) FROM done", parameters);

    public async ValueTask DisposeAsync()
    {
        Requester.Dispose();
        await Store.DisposeAsync();
        await Schema.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
