using IdentityEhr.Storage;
using IdentityEhr.Testing;
using Npgsql;

namespace IdentityEhr.Embedded.IntegrationTests;

public sealed class PostgresClusterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async ValueTask InitializeAsync() =>
        _schema = await postgres.CreateSchemaAsync(nameof(PostgresClusterTests), TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _schema.DisposeAsync();

    [Fact]
    public async Task A_row_written_to_the_test_schema_is_read_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var write = new NpgsqlCommand("CREATE TABLE probe (id int PRIMARY KEY, note text); INSERT INTO probe VALUES (1, 'synthetic')", connection))
        {
            await write.ExecuteNonQueryAsync(ct);
        }

        await using var read = new NpgsqlCommand("SELECT note FROM probe WHERE id = 1", connection);

        Assert.Equal("synthetic", await read.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task Probe_reports_the_server_version_and_database()
    {
        var info = await PostgresServer.ProbeAsync(postgres.ConnectionString, TestContext.Current.CancellationToken);

        Assert.Matches(@"^\d+(\.\d+)?$", info.ServerVersion);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_echoing_it()
    {
        var wrong = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = "synthetic-wrong-password" }.ConnectionString;

        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(
            () => PostgresServer.ProbeAsync(wrong, TestContext.Current.CancellationToken));

        Assert.Contains("28P01", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("synthetic-wrong-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_private_cluster_listens_on_loopback_only()
    {
        Assert.NotNull(postgres.Cluster); // CI runs the embedded cluster; EHR_POSTGRES runs are the operator's server.
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(ct);
        await using var show = new NpgsqlCommand("SHOW listen_addresses", connection);

        Assert.Equal("127.0.0.1", await show.ExecuteScalarAsync(ct));
    }
}
