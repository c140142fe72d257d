using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>The DIDs registered with the service as patients or providers.</summary>
public sealed class RegistryStore
{
    private readonly NpgsqlDataSource _dataSource;

    internal RegistryStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Registers a DID in a role; registering twice changes nothing.</summary>
    /// <param name="did">The DID, authenticated by the caller.</param>
    /// <param name="role">The role.</param>
    /// <param name="now">When.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>When the DID was registered in that role (now, or the first time), and whether it was now.</returns>
    public Task<(DateTimeOffset RegisteredAt, bool IsNew)> RegisterAsync(string did, RegistrationRole role, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(did);
        return LogStore.GuardAsync(async () =>
        {
            // The no-op update makes RETURNING give the first registration's time on a repeat; xmax is 0 only for a fresh insert.
            using var command = _dataSource.CreateCommand(
                "INSERT INTO registrations (did, role, registered_at) VALUES ($1, $2, $3) " +
                "ON CONFLICT (did, role) DO UPDATE SET role = EXCLUDED.role RETURNING registered_at, (xmax = 0)");
            command.Parameters.Add(new NpgsqlParameter { Value = did });
            command.Parameters.Add(new NpgsqlParameter { Value = Name(role) });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetBoolean(1));
        });
    }

    /// <summary>Reads when a DID was registered in a role.</summary>
    /// <param name="did">The DID.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The time, or <see langword="null"/> when it is not registered in that role.</returns>
    public Task<DateTimeOffset?> FindAsync(string did, RegistrationRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(did);
        return LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand("SELECT registered_at FROM registrations WHERE did = $1 AND role = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = did });
            command.Parameters.Add(new NpgsqlParameter { Value = Name(role) });
            return Utc(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        });
    }

    // Npgsql reads a timestamptz scalar as a UTC DateTime.
    private static DateTimeOffset? Utc(object? value) => value is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;

    /// <summary>Gets the name a role has in the store and over HTTP.</summary>
    /// <param name="role">The role.</param>
    /// <returns><c>patient</c> or <c>provider</c>.</returns>
    public static string Name(RegistrationRole role) => role switch
    {
        RegistrationRole.Patient => "patient",
        RegistrationRole.Provider => "provider",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };
}

/// <summary>What a DID is registered with the service as.</summary>
public enum RegistrationRole
{
    /// <summary>A patient: records may be stored for it.</summary>
    Patient,

    /// <summary>A provider: it may store records for registered patients.</summary>
    Provider,
}
