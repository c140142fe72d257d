using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Storage;
using IdentityEhr.Testing;
using Npgsql;

namespace IdentityEhr.Embedded.IntegrationTests;

public sealed class InfrastructureTests(PostgresFixture postgres, AnvilFixture anvil)
{
    private static async Task<InfrastructureException> StartFailureAsync(EhrSettings settings) =>
        await Assert.ThrowsAnyAsync<InfrastructureException>(
            () => Infrastructure.StartAsync(settings, null, TestContext.Current.CancellationToken));

    [Fact]
    public async Task Embedded_defaults_start_a_database_and_a_chain_with_contracts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var infrastructure = await Infrastructure.StartAsync(new EhrSettings(), null, ct);

        var database = await PostgresServer.ProbeAsync(infrastructure.Database.ConnectionString, ct);
        using var client = new EthereumRpcClient(infrastructure.Chain.Rpc);
        var anchorCode = await client.GetCodeAsync(infrastructure.Chain.Contracts!.AuditAnchor, ct);

        Assert.Equal((Infrastructure.DatabaseName, DevelopmentChain.ChainId, true), (database.Database, infrastructure.Chain.ChainId, anchorCode.Length > 0));
    }

    [Fact]
    public async Task Unreachable_postgres_fails_with_a_one_line_reason_that_hides_the_password()
    {
        var settings = new EhrSettings { PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=ehr;Password=synthetic-secret;Timeout=3" };

        var error = await StartFailureAsync(settings);

        Assert.Equal(
            "EHR_POSTGRES: cannot connect to PostgreSQL at 127.0.0.1:1 (database 'ehr'): Connection refused",
            error.Message);
    }

    [Fact]
    public async Task A_chain_id_that_differs_from_the_node_fails_naming_both()
    {
        var settings = new EhrSettings { PostgresConnectionString = postgres.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = 1 };

        var error = await StartFailureAsync(settings);

        Assert.Equal(
            $"EHR_CHAIN_ID is 1 but the node at {EthereumRpcClient.DescribeEndpoint(anvil.Rpc)} reports chain id {anvil.ChainId}",
            error.Message);
    }

    [Fact]
    public async Task Unreachable_rpc_fails_with_a_one_line_reason_that_hides_the_url_path()
    {
        var settings = new EhrSettings
        {
            PostgresConnectionString = postgres.ConnectionString,
            EthereumRpc = new Uri("http://127.0.0.1:1/v3/synthetic-api-key"),
            ChainId = 1,
        };

        var error = await StartFailureAsync(settings);

        Assert.Equal("EHR_ETH_RPC: the Ethereum node at http://127.0.0.1:1 is unreachable: Connection refused", error.Message);
    }

    [Fact]
    public async Task Missing_anvil_fails_before_anything_is_started()
    {
        var settings = new EhrSettings { AnvilPath = "/nonexistent/anvil" };

        var error = await StartFailureAsync(settings);

        Assert.Equal("EHR_ANVIL is '/nonexistent/anvil', which does not exist", error.Message);
    }

    [Fact]
    public async Task Given_database_is_used_as_is_and_left_running()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new EhrSettings { PostgresConnectionString = postgres.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId };
        var infrastructure = await Infrastructure.StartAsync(settings, null, ct);

        await infrastructure.DisposeAsync();

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(ct);
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }
}
