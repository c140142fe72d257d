using System.Numerics;
using System.Text.Json;
using IdentityEhr.Embedded;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary><c>ehr chain deploy</c> with a wallet key on anvil, and the service configured with the deployed addresses.</summary>
public sealed class ChainDeployTests(AnvilFixture anvil, PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-deploy-").FullName;
    private Dictionary<string, string> _environment = null!;
    private string _deployerDid = null!;
    private Address _deployer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _environment = new() { ["EHR_WALLET"] = Path.Combine(_directory, "wallet.json"), ["EHR_WALLET_PASSPHRASE"] = "synthetic" };
        (_deployerDid, _deployer) = await CreateDidAsync("secp256k1");
        using var client = anvil.CreateClient();
        await new AnvilControl(client).SetBalanceAsync(_deployer, BigInteger.Pow(10, 20), Ct);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => new EhrCli(_environment).RunAsync(args);

    private async Task<(string Did, Address Address)> CreateDidAsync(string type)
    {
        var (_, output, _) = await RunAsync("did", "create", "--type", type, "--json");
        var created = JsonDocument.Parse(output).RootElement;
        Assert.True(Multikey.TryParsePublic(created.GetProperty("publicKeyMultibase").GetString(), out var keyType, out var bytes, out _));
        return (created.GetProperty("did").GetString()!, keyType == KeyType.Secp256k1 ? Address.FromPublicKey(bytes) : default);
    }

    private Task<(int ExitCode, string Output, string Error)> DeployAsync(string from, ulong? chainId = null) =>
        RunAsync("chain", "deploy", "--rpc", anvil.Rpc.ToString(), "--chain-id", (chainId ?? anvil.ChainId).ToString(System.Globalization.CultureInfo.InvariantCulture), "--from", from, "--json");

    [Fact]
    public async Task Deploy_creates_both_contracts_with_the_deployer_as_service_identity()
    {
        var (exitCode, output, error) = await DeployAsync(_deployerDid);
        Assert.True(exitCode == 0, error);
        var deployed = JsonDocument.Parse(output).RootElement;
        using var client = anvil.CreateClient();
        var anchor = new Ethereum.Contracts.AuditAnchorContract(client, Address.Parse(deployed.GetProperty("auditAnchor").GetString()!));

        Assert.Equal((_deployer, Address.Parse(deployed.GetProperty("didRegistry").GetString()!)), (await anchor.IdentityAsync(BlockTag.Latest, Ct), await anchor.RegistryAsync(BlockTag.Latest, Ct)));
    }

    [Fact]
    public async Task The_service_takes_the_deployed_addresses_as_configuration()
    {
        var deployed = JsonDocument.Parse((await DeployAsync(_deployerDid)).Output).RootElement;
        var settings = EhrSettings.Read(name => new Dictionary<string, string?>
        {
            ["EHR_POSTGRES"] = postgres.ConnectionString,
            ["EHR_ETH_RPC"] = anvil.Rpc.ToString(),
            ["EHR_CHAIN_ID"] = anvil.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EHR_DID_REGISTRY"] = deployed.GetProperty("didRegistry").GetString(),
            ["EHR_AUDIT_ANCHOR"] = deployed.GetProperty("auditAnchor").GetString(),
        }.GetValueOrDefault(name));

        await using var infrastructure = await Infrastructure.StartAsync(settings, null, Ct);

        Assert.Equal(_deployer, infrastructure.Chain.Contracts!.ServiceIdentity);
    }

    [Fact]
    public async Task An_anchor_bound_to_another_registry_is_refused_at_start()
    {
        var first = JsonDocument.Parse((await DeployAsync(_deployerDid)).Output).RootElement;
        var second = JsonDocument.Parse((await DeployAsync(_deployerDid)).Output).RootElement;
        var settings = new EhrSettings
        {
            PostgresConnectionString = postgres.ConnectionString,
            EthereumRpc = anvil.Rpc,
            ChainId = anvil.ChainId,
            DidRegistry = Address.Parse(first.GetProperty("didRegistry").GetString()!),
            AuditAnchor = Address.Parse(second.GetProperty("auditAnchor").GetString()!),
        };

        var error = await Assert.ThrowsAnyAsync<InfrastructureException>(() => Infrastructure.StartAsync(settings, null, Ct));

        Assert.Contains("is bound to registry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_chain_id_exits_2_naming_both()
    {
        var (exitCode, _, error) = await DeployAsync(_deployerDid, chainId: 1);

        Assert.Equal((2, $"ehr: the node at {EthereumRpcClient.DescribeEndpoint(anvil.Rpc)} reports chain id {anvil.ChainId}, not 1"), (exitCode, error));
    }

    [Fact]
    public async Task An_ed25519_wallet_key_exits_2_asking_for_secp256k1()
    {
        var (did, _) = await CreateDidAsync("ed25519");

        var (exitCode, _, error) = await DeployAsync(did);

        Assert.Equal((2, true), (exitCode, error.EndsWith("Ethereum transactions need a secp256k1 key (ehr did create --type secp256k1)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_unfunded_key_exits_non_zero_with_one_line()
    {
        var (did, _) = await CreateDidAsync("secp256k1");

        var (exitCode, _, error) = await DeployAsync(did);

        Assert.Equal((true, 1), (exitCode != 0, error.Split('\n').Length));
    }
}
