using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>Checks and prepares a PostgreSQL server given by a connection string.</summary>
public static class PostgresServer
{
    /// <summary>Validates a connection string without connecting.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="reason">Why it is invalid, without its values (they may hold a password), when it is.</param>
    /// <returns><see langword="true"/> when the connection string is usable; otherwise <see langword="false"/>.</returns>
    public static bool TryValidateConnectionString(string? connectionString, out string reason)
    {
        reason = string.Empty;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            reason = "it is empty";
            return false;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // Npgsql's message can echo the offending text; name only the rule.
            reason = "it is not a 'Key=Value;...' connection string with keys that Npgsql knows";
            return false;
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            reason = "it has no Host";
            return false;
        }

        return true;
    }

    /// <summary>Connects once and reports the server's version and where it is.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The server description.</returns>
    /// <exception cref="ArgumentException">The connection string is invalid.</exception>
    /// <exception cref="DatabaseUnavailableException">The server cannot be reached or refuses the connection.</exception>
    public static async Task<DatabaseServerInfo> ProbeAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var builder = Parse(connectionString);
        return await WithConnectionAsync(builder, async connection =>
        {
            using var command = new NpgsqlCommand("SELECT current_setting('server_version'), current_database()", connection);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var version = reader.GetString(0);

            // Debian builds report "15.18 (Debian 15.18-0+deb12u1)": keep the number.
            var space = version.IndexOf(' ', StringComparison.Ordinal);
            return new DatabaseServerInfo(space > 0 ? version[..space] : version, builder.Host!, builder.Port, reader.GetString(1));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a database when it does not exist yet.</summary>
    /// <param name="connectionString">A connection string for a role that may create databases.</param>
    /// <param name="database">The database name: lowercase letters, digits and underscores.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the database was created; <see langword="false"/> when it existed.</returns>
    /// <exception cref="ArgumentException">The connection string or the name is invalid.</exception>
    /// <exception cref="DatabaseUnavailableException">The server cannot be reached or refuses the operation.</exception>
    public static async Task<bool> EnsureDatabaseAsync(string connectionString, string database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Length is 0 or > 63 || !database.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException("A database name here is 1 to 63 lowercase letters, digits and underscores.", nameof(database));
        }

        var builder = Parse(connectionString);
        return await WithConnectionAsync(builder, async connection =>
        {
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = database });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return false;
            }

            return await CreateDatabaseAsync(connection, database, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> CreateDatabaseAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        try
        {
            // The name was checked against a strict alphabet, so quoting it is enough.
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false;
        }
        catch (PostgresException e)
        {
            throw new DatabaseUnavailableException(
                $"PostgreSQL refused to create database '{database}': {e.SqlState} {e.MessageText}", isTransient: false, e);
        }
    }

    /// <summary>Returns a copy of the connection string that names another database.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="database">The database to name.</param>
    /// <returns>The new connection string.</returns>
    /// <exception cref="ArgumentException">The connection string is invalid.</exception>
    public static string WithDatabase(string connectionString, string database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = Parse(connectionString);
        builder.Database = database;
        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        if (!TryValidateConnectionString(connectionString, out var reason))
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {reason}.", nameof(connectionString));
        }

        return new NpgsqlConnectionStringBuilder(connectionString);
    }

    /// <summary>Runs <paramref name="work"/> on an open connection; any failure to reach or talk to the server becomes one exception.</summary>
    private static async Task<T> WithConnectionAsync<T>(
        NpgsqlConnectionStringBuilder builder, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = new NpgsqlConnection(builder.ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    return await work(connection).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException)
                {
                    // A pooled connection to a server that restarted or went away fails on first use: drop the pool and
                    // try once more on a fresh connection, so the error describes the server as it is now.
                    NpgsqlConnection.ClearPool(connection);
                    var permanent = e is PostgresException { SqlState: "28P01" or "28000" or "3D000" };
                    if (attempt == 1 && !permanent)
                    {
                        continue;
                    }

                    throw new DatabaseUnavailableException(
                        $"cannot connect to PostgreSQL at {builder.Host}:{builder.Port} (database '{builder.Database ?? builder.Username}'): {Describe(e)}",
                        isTransient: !permanent, e);
                }
            }
        }
    }

    private static string Describe(Exception e)
    {
        // Use the innermost socket or server message: "Connection refused", "28P01: password authentication failed ...".
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException p:
                    return $"{p.SqlState} {p.MessageText}";
                case SocketException s:
                    return s.Message;
                case TimeoutException:
                    return "timed out";
            }
        }

        return e is DbException ? e.Message : e.GetType().Name;
    }
}
