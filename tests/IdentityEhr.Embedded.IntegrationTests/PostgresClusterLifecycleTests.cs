using System.Net.Sockets;
using IdentityEhr.Storage;
using Npgsql;

namespace IdentityEhr.Embedded.IntegrationTests;

public sealed class PostgresClusterLifecycleTests
{
    [Fact]
    public async Task Dispose_stops_the_server_frees_its_port_and_removes_its_folder()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Directory = ThrowawayDirectory.Create("postgres") }, null, ct);
        var (port, directory) = (cluster.Port, cluster.Directory);

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        using var socket = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync("127.0.0.1", port, ct));
    }

    [Fact]
    public async Task A_persistent_cluster_keeps_its_data_across_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = ThrowawayDirectory.Create("postgres");
        var options = new PostgresClusterOptions { Directory = directory, Persistent = true };
        try
        {
            await using (var first = await PostgresCluster.StartAsync(options, null, ct))
            {
                await PostgresServer.EnsureDatabaseAsync(first.ConnectionString, "kept", ct);
            }

            await using var second = await PostgresCluster.StartAsync(options, null, ct);

            Assert.False(await PostgresServer.EnsureDatabaseAsync(second.ConnectionString, "kept", ct));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Connection_string_reaches_the_cluster_with_its_generated_password()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Directory = ThrowawayDirectory.Create("postgres") }, null, ct);

        var builder = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);

        Assert.Equal((PostgresCluster.SuperUser, 32), (builder.Username, builder.Password!.Length));
    }
}
