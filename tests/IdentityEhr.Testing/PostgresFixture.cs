using System.Security.Cryptography;
using IdentityEhr.Embedded;
using IdentityEhr.Storage;
using Npgsql;
using Xunit;

namespace IdentityEhr.Testing;

/// <summary>
/// A real PostgreSQL for one test assembly: the server named by <c>EHR_POSTGRES</c>, or a private throwaway cluster.
/// Each test class takes its own schema (<see cref="CreateSchemaAsync"/>). Failing to start fails every test; nothing is skipped.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;
    private string? _connectionString;

    /// <summary>Gets a connection string for a role that may create schemas. It holds a password: never print it.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Gets the private cluster, or <see langword="null"/> when <c>EHR_POSTGRES</c> names the server.</summary>
    public PostgresCluster? Cluster => _cluster;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var settings = EhrSettings.Read(Environment.GetEnvironmentVariable);
        if (settings.PostgresConnectionString is { } given)
        {
            await PostgresServer.ProbeAsync(given, TestContext.Current.CancellationToken);
            _connectionString = given;
            return;
        }

        _cluster = await PostgresCluster.StartAsync(
            new PostgresClusterOptions { Directory = ThrowawayDirectory.Create("postgres"), BinDirectory = settings.PostgresBinDirectory },
            logger: null, TestContext.Current.CancellationToken);
        _connectionString = _cluster.ConnectionString;
    }

    /// <summary>Creates a schema named after <paramref name="owner"/> plus a random suffix.</summary>
    /// <param name="owner">Who owns it, usually the test class name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The schema; dispose it to drop it.</returns>
    public async Task<TestSchema> CreateSchemaAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var prefix = new string([.. owner.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40)]);
        var name = $"t_{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE SCHEMA \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return new TestSchema(ConnectionString, name);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
