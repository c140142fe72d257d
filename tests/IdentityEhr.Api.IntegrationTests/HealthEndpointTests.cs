using System.Net;
using System.Text.Json;
using IdentityEhr.Embedded;
using IdentityEhr.Testing;

namespace IdentityEhr.Api.IntegrationTests;

public sealed class HealthEndpointTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private RunningService _service = null!;

    public async ValueTask InitializeAsync() =>
        _service = await RunningService.StartAsync(
            new EhrSettings { PostgresConnectionString = postgres.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId },
            TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    [Fact]
    public async Task Health_answers_200_when_database_and_chain_are_up()
    {
        using var response = await _service.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_names_the_database_and_chain_it_uses()
    {
        var body = await _service.Client.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        // Ports and block heights are random per run; the server's patch version depends on the machine.
        Snapshot.VerifyJson(body, Scrubber.None
            .Add(@"""port"": (?<value>\d+)", "Port")
            .Add(@"http://127\.0\.0\.1:(?<value>\d+)", "RpcPort")
            .Add(@"""latestBlock"": (?<value>\d+)", "Block")
            .Add(@"""lastCheckpointSecondsAgo"": (?<value>[0-9.]+)", "Seconds")
            .Add(@"""server"": ""PostgreSQL (?<value>[0-9.]+)""", "Version"));
    }

    [Fact]
    public async Task Health_never_shows_the_database_password()
    {
        var password = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString).Password!;

        var body = await _service.Client.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.DoesNotContain(password, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_path_answers_404_as_problem_details()
    {
        using var response = await _service.Client.GetAsync(new Uri("/no/such/path", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(
            (HttpStatusCode.NotFound, "application/problem+json"),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task Problem_details_carry_the_status_and_no_stack_trace()
    {
        using var response = await _service.Client.GetAsync(new Uri("/no/such/path", UriKind.Relative), TestContext.Current.CancellationToken);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            (404, false),
            (problem.RootElement.GetProperty("status").GetInt32(), problem.RootElement.TryGetProperty("exception", out _)));
    }

    [Fact]
    public async Task OpenApi_document_describes_health()
    {
        using var document = JsonDocument.Parse(
            await _service.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/health", out _));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await _service.Client.GetAsync(new Uri("/swagger/index.html", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(
            (HttpStatusCode.OK, "text/html"),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task Ehr_health_exits_0_for_the_running_service()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new Cli.CliApp(output, error, _ => null);

        var exitCode = await cli.RunAsync(["health", "--url", _service.BaseAddress.ToString(), "--json"], TestContext.Current.CancellationToken);

        Assert.Equal((0, ""), (exitCode, error.ToString()));
    }

    [Fact]
    public async Task Ehr_health_prints_plain_text_when_output_is_not_a_terminal()
    {
        using var output = new StringWriter();
        var cli = new Cli.CliApp(output, TextWriter.Null, _ => null);

        await cli.RunAsync(["health", "--url", _service.BaseAddress.ToString()], TestContext.Current.CancellationToken);

        Assert.Equal((true, false), (output.ToString().TrimEnd().EndsWith("healthy", StringComparison.Ordinal), output.ToString().Contains('\u001b', StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Ehr_chain_info_reports_the_chain_id_the_service_uses()
    {
        using var output = new StringWriter();
        var cli = new Cli.CliApp(output, TextWriter.Null, _ => null);

        var exitCode = await cli.RunAsync(["chain", "info", "--url", _service.BaseAddress.ToString(), "--json"], TestContext.Current.CancellationToken);

        Assert.Equal((0, anvil.ChainId), (exitCode, JsonDocument.Parse(output.ToString()).RootElement.GetProperty("chainId").GetUInt64()));
    }
}
