using System.Globalization;
using Npgsql;

namespace IdentityEhr.Storage.Internal;

/// <summary>Applies the embedded SQL migrations in version order, each once, in its own transaction.</summary>
/// <remarks>
/// Migrations are <c>Migrations/NNNN_name.sql</c> resources. A transaction-scoped advisory lock makes concurrent starts of
/// several service instances safe: the second waits, then finds nothing left to do.
/// </remarks>
internal static class Migrator
{
    private const long LockKey = 0x4548_525F_4D49_47; // "EHR_MIG"

    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = Load();

    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var applied = 0;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var (version, name, sql) in Migrations)
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using (var lockCommand = new NpgsqlCommand(
                        $"SELECT pg_advisory_xact_lock({LockKey}); CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                        connection, transaction))
                    {
                        await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    using (var exists = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE version = $1", connection, transaction))
                    {
                        exists.Parameters.Add(new NpgsqlParameter { Value = version });
                        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                        {
                            continue;
                        }
                    }

                    using (var migrate = new NpgsqlCommand(sql, connection, transaction))
                    {
                        await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                    {
                        record.Parameters.Add(new NpgsqlParameter { Value = version });
                        record.Parameters.Add(new NpgsqlParameter { Value = name });
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    applied++;
                }
            }
        }

        return applied;
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        const string Prefix = "IdentityEhr.Storage.Migrations.";
        var list = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[Prefix.Length..^".sql".Length];
            var version = int.Parse(name[..4], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add((version, name, reader.ReadToEnd()));
        }

        return list;
    }
}
