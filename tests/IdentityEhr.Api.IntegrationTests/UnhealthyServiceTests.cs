using System.Net;
using System.Text.Json;
using IdentityEhr.Embedded;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The service on its own PostgreSQL cluster, which the tests stop to see the service report it.</summary>
public sealed class UnhealthyServiceTests(AnvilFixture anvil) : IAsyncLifetime
{
    private RunningService _service = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Directory = ThrowawayDirectory.Create("postgres") }, null, ct);
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = cluster.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, ct);
        await cluster.DisposeAsync();
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    [Fact]
    public async Task Health_answers_503_when_the_database_is_down()
    {
        using var response = await _service.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Health_marks_the_database_down_and_the_chain_up()
    {
        using var report = await GetReportAsync();

        Assert.Equal(
            ("down", "up"),
            (report.RootElement.GetProperty("database").GetProperty("status").GetString(),
             report.RootElement.GetProperty("chain").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Health_gives_the_reason_the_database_is_down()
    {
        using var report = await GetReportAsync();

        Assert.EndsWith("Connection refused", report.RootElement.GetProperty("database").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonDocument> GetReportAsync()
    {
        using var response = await _service.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Ehr_health_exits_1_when_the_service_is_unhealthy()
    {
        using var output = new StringWriter();
        var cli = new Cli.CliApp(output, TextWriter.Null, _ => null);

        var exitCode = await cli.RunAsync(["health", "--url", _service.BaseAddress.ToString()], TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
    }
}
