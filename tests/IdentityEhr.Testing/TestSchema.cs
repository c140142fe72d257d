using Npgsql;

namespace IdentityEhr.Testing;

/// <summary>A PostgreSQL schema owned by one test class; dropped with everything in it on dispose.</summary>
public sealed class TestSchema : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    internal TestSchema(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { SearchPath = name }.ConnectionString;
    }

    /// <summary>Gets the schema's name.</summary>
    public string Name { get; }

    /// <summary>Gets a connection string whose search path is this schema, so unqualified tables land in it.</summary>
    public string ConnectionString { get; }

    /// <summary>Drops the schema and everything in it.</summary>
    /// <returns>A task that completes when the schema is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
