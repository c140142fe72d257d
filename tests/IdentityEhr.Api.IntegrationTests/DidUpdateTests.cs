using System.Globalization;
using System.Numerics;
using System.Text.Json;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary><c>ehr did update</c> on a fresh registry on anvil: changes sent by the DID's key, and relayed as meta-transactions.</summary>
public sealed class DidUpdateTests(AnvilFixture anvil) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-did-update-").FullName;
    private Dictionary<string, string> _environment = null!;
    private Address _registry;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _registry = (await anvil.DeployContractsAsync(Ct)).DidRegistry;
        _environment = new()
        {
            ["EHR_WALLET"] = Path.Combine(_directory, "wallet.json"),
            ["EHR_WALLET_PASSPHRASE"] = "synthetic",
            ["EHR_ETH_RPC"] = anvil.Rpc.ToString(),
            ["EHR_CHAIN_ID"] = anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["EHR_DID_REGISTRY"] = _registry.ToString(),
        };
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => new EhrCli(_environment).RunAsync(args);

    private async Task<string> CreateEthrDidAsync(bool funded)
    {
        var (_, output, _) = await RunAsync("did", "create", "--method", "ethr", "--network", $"0x{anvil.ChainId:x}", "--json");
        var created = JsonDocument.Parse(output).RootElement;
        Assert.True(Multikey.TryParsePublic(created.GetProperty("publicKeyMultibase").GetString(), out _, out var key, out _));
        if (funded)
        {
            using var client = anvil.CreateClient();
            await new AnvilControl(client).SetBalanceAsync(Address.FromPublicKey(key), BigInteger.Pow(10, 20), Ct);
        }

        return created.GetProperty("did").GetString()!;
    }

    private async Task<DidResolutionResult> ResolveAsync(string did)
    {
        using var method = new EthrDid([new EthrNetwork("dev", anvil.ChainId, anvil.Rpc, _registry)], TimeProvider.System);
        return await method.ResolveAsync(Did.Parse(did), DidResolutionOptions.Default, Ct);
    }

    [Fact]
    public async Task A_service_added_by_the_dids_own_key_resolves()
    {
        var did = await CreateEthrDidAsync(funded: true);

        var (exitCode, _, error) = await RunAsync("did", "update", did, "--add-service", "MedicalRecords", "--endpoint", "https://records.example.org/api");

        Assert.True(exitCode == 0, error);
        Assert.Equal("https://records.example.org/api", (await ResolveAsync(did)).DidDocument!.Services.Single().ServiceEndpoint.GetValue<string>());
    }

    [Fact]
    public async Task A_delegate_added_by_meta_transaction_is_paid_for_by_the_relayer()
    {
        var relayer = await CreateEthrDidAsync(funded: true);
        var did = await CreateEthrDidAsync(funded: false);

        var (exitCode, _, error) = await RunAsync("did", "update", did, "--add-delegate", "0x1563915e194d8cfba1943570603f7606a3115508", "--relay-from", relayer);

        Assert.True(exitCode == 0, error);
        Assert.NotNull((await ResolveAsync(did)).DidDocument!.Dereference("#delegate-1"));
    }

    [Fact]
    public async Task A_published_x25519_key_becomes_a_key_agreement_key()
    {
        var did = await CreateEthrDidAsync(funded: true);
        using var key = PrivateKey.Generate(KeyType.X25519);

        await RunAsync("did", "update", did, "--add-key", key.PublicKey.ExportMultikey(), "--purpose", "enc");

        var agreement = (await ResolveAsync(did)).DidDocument!.MethodsFor(VerificationRelationship.KeyAgreement).Single();
        Assert.True(agreement.TryGetPublicKey(out var published, out _));
        Assert.Equal(key.PublicKey, published);
    }

    [Fact]
    public async Task Deactivation_is_seen_by_resolution()
    {
        var did = await CreateEthrDidAsync(funded: true);

        await RunAsync("did", "update", did, "--deactivate");

        Assert.True((await ResolveAsync(did)).DocumentMetadata.Deactivated);
    }

    [Fact]
    public async Task Two_changes_at_once_exit_2()
    {
        var did = await CreateEthrDidAsync(funded: true);

        var (exitCode, _, _) = await RunAsync("did", "update", did, "--deactivate", "--change-owner", "0x1563915e194d8cfba1943570603f7606a3115508");

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task An_unfunded_key_without_a_relayer_fails_with_one_line()
    {
        var did = await CreateEthrDidAsync(funded: false);

        var (exitCode, _, error) = await RunAsync("did", "update", did, "--deactivate");

        Assert.Equal((true, 1), (exitCode != 0, error.Split('\n').Length));
    }

    [Fact]
    public async Task A_revoked_service_is_gone()
    {
        var did = await CreateEthrDidAsync(funded: true);
        await RunAsync("did", "update", did, "--add-service", "MedicalRecords", "--endpoint", "https://records.example.org/api");

        var (exitCode, _, error) = await RunAsync("did", "update", did, "--revoke-service", "MedicalRecords", "--endpoint", "https://records.example.org/api");

        Assert.True(exitCode == 0, error);
        Assert.Empty((await ResolveAsync(did)).DidDocument!.Services);
    }
}
