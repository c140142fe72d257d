using System.Net;
using System.Net.Sockets;

namespace IdentityEhr.Cli.Tests;

public sealed class CliAppTests : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    private Task<int> RunAsync(string[] args, Dictionary<string, string>? environment = null) =>
        new CliApp(_output, _error, name => environment?.GetValueOrDefault(name)).RunAsync(args, TestContext.Current.CancellationToken);

    private string ErrorLine => _error.ToString().TrimEnd('\n');

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task No_command_exits_2()
    {
        Assert.Equal(ExitCodes.UsageError, await RunAsync([]));
    }

    [Fact]
    public async Task An_unknown_command_is_named_in_one_line()
    {
        await RunAsync(["frobnicate"]);

        Assert.Equal("ehr: Unrecognized command or argument 'frobnicate'. (see 'ehr --help')", ErrorLine);
    }

    [Fact]
    public async Task Health_with_a_malformed_url_exits_2_with_one_line()
    {
        var exitCode = await RunAsync(["health", "--url", "not a url"]);

        Assert.Equal(
            (ExitCodes.UsageError, "ehr: --url must be an absolute http:// or https:// URL (see 'ehr --help')"),
            (exitCode, ErrorLine));
    }

    [Fact]
    public async Task Health_against_a_closed_port_exits_3_naming_the_address()
    {
        var port = ClosedPort();

        var exitCode = await RunAsync(["health", "--url", $"http://127.0.0.1:{port}"]);

        Assert.Equal(
            (ExitCodes.Unavailable, $"ehr: cannot reach http://127.0.0.1:{port}: connection refused or no route"),
            (exitCode, ErrorLine));
    }

    [Fact]
    public async Task Health_with_a_malformed_EHR_URL_exits_2()
    {
        var exitCode = await RunAsync(["health"], new() { ["EHR_URL"] = "::nope" });

        Assert.Equal((ExitCodes.UsageError, "ehr: EHR_URL must be an absolute http:// or https:// URL"), (exitCode, ErrorLine));
    }

    [Fact]
    public async Task Dev_up_with_bad_configuration_exits_2_with_the_reason()
    {
        var exitCode = await RunAsync(["dev", "up"], new() { ["EHR_ETH_RPC"] = "http://127.0.0.1:8545" });

        Assert.Equal(
            (ExitCodes.UsageError, "ehr: EHR_CHAIN_ID must be set with EHR_ETH_RPC: the chain the service anchors on is never guessed"),
            (exitCode, ErrorLine));
    }

    [Fact]
    public async Task Dev_up_against_an_unreachable_database_exits_3_with_the_reason()
    {
        var port = ClosedPort();

        var exitCode = await RunAsync(["dev", "up"], new() { ["EHR_POSTGRES"] = $"Host=127.0.0.1;Port={port};Username=ehr;Password=synthetic", ["EHR_ETH_RPC"] = "http://127.0.0.1:1", ["EHR_CHAIN_ID"] = "1" });

        Assert.Equal(
            (ExitCodes.Unavailable, $"ehr: EHR_POSTGRES: cannot connect to PostgreSQL at 127.0.0.1:{port} (database 'ehr'): Connection refused"),
            (exitCode, ErrorLine));
    }
}
