using System.Net;
using System.Net.Http.Headers;
using IdentityEhr.Api.Records;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The service and its custody key file across restarts: a rotation begun with <c>ehr vault rotate-key</c>, a wrong key file.</summary>
public sealed class VaultStartTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private static readonly byte[] s_observation = File.ReadAllBytes(Vectors.PathOf("fhir/Observation-f001.json"));
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-vault-start-").FullName;
    private readonly PrivateKey _provider = PrivateKey.Generate(KeyType.Ed25519);
    private TestSchema _schema = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string KeyFile => Path.Combine(_directory, "custody.key");

    public async ValueTask InitializeAsync() => _schema = await postgres.CreateSchemaAsync(nameof(VaultStartTests), Ct);

    public async ValueTask DisposeAsync()
    {
        await _schema.DisposeAsync();
        _provider.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<RunningService> StartAsync(string keyFile) => RunningService.StartAsync(
        new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct,
        vaultOptions: VaultOptions.Read(name => name == VaultOptions.KeyFileVariable ? keyFile : null, dataDirectory: _directory));

    private async Task StoreAsync(RunningService service)
    {
        await service.RegisterAsync(_provider, "patient", Ct);
        var url = new Uri(service.BaseAddress, $"/records?patient={DidKey.Create(_provider.PublicKey)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(s_observation) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/fhir+json");
        var kid = $"{DidKey.Create(_provider.PublicKey)}#{_provider.PublicKey.ExportMultikey()}";
        request.Headers.TryAddWithoutValidation("Authorization", "DID " + RequestProof.Create(_provider, kid, "POST", url, s_observation, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Created, (await service.Client.SendAsync(request, Ct)).StatusCode);
    }

    private async Task<List<string>> CustodyKeysInUseAsync()
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT DISTINCT custody_key FROM vault_versions", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    [Fact]
    public async Task A_rotation_begun_by_the_cli_is_finished_at_the_next_start_and_a_wrong_key_file_stops_the_start()
    {
        CustodyKeyFile.LoadOrCreate(KeyFile);
        string firstId;
        await using (var service = await StartAsync(KeyFile))
        {
            await StoreAsync(service);
            await StoreAsync(service);
            firstId = service.Services.GetRequiredService<VaultService>().Vault.CurrentCustodyKeyId;
        }

        var oldLine = await File.ReadAllBytesAsync(KeyFile, Ct);
        var (exit, output, error) = await new EhrCli(new Dictionary<string, string>()).RunAsync("vault", "rotate-key", "--key-file", KeyFile);
        Assert.True(exit == 0, error);
        Assert.Contains("restart the service", output, StringComparison.Ordinal);
        Assert.Equal((1, $"ehr: {KeyFile}.next exists: a rotation is already waiting for the service to start"),
            await TailAsync(new EhrCli(new Dictionary<string, string>()).RunAsync("vault", "rotate-key", "--key-file", KeyFile)));

        await using (var service = await StartAsync(KeyFile))
        {
            var nextId = service.Services.GetRequiredService<VaultService>().Vault.CurrentCustodyKeyId;
            Assert.NotEqual(firstId, nextId);
            Assert.Equal([nextId], await CustodyKeysInUseAsync());
            await StoreAsync(service);
        }

        Assert.False(File.Exists(KeyFile + CustodyKeyFile.NextSuffix));
        Assert.False(File.Exists(KeyFile + CustodyKeyFile.OldSuffix));
        Assert.NotEqual(oldLine, await File.ReadAllBytesAsync(KeyFile, Ct));

        // Another key file: the service refuses to start rather than make records unreadable.
        var wrong = Path.Combine(_directory, "wrong.key");
        CustodyKeyFile.LoadOrCreate(wrong);
        var refused = await Assert.ThrowsAsync<ServiceStartException>(() => StartAsync(wrong));
        Assert.Contains("stored records are wrapped by custody key", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(await File.ReadAllBytesAsync(wrong, Ct)), refused.Message, StringComparison.Ordinal);

        // A key file named but missing, or not a key, is a configuration error naming the variable.
        Assert.StartsWith("EHR_CUSTODY_KEY_FILE", Assert.Throws<FormatException>(() => VaultOptions.Read(n => n == VaultOptions.KeyFileVariable ? Path.Combine(_directory, "none.key") : null, _directory)).Message, StringComparison.Ordinal);
        await File.WriteAllTextAsync(wrong, "not a key", Ct);
        Assert.StartsWith("EHR_CUSTODY_KEY_FILE", Assert.Throws<FormatException>(() => VaultOptions.Read(n => n == VaultOptions.KeyFileVariable ? wrong : null, _directory)).Message, StringComparison.Ordinal);
    }

    private static async Task<(int, string)> TailAsync(Task<(int ExitCode, string Output, string Error)> run)
    {
        var result = await run;
        return (result.ExitCode, result.Error);
    }
}
