using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>The status list credentials the service hosts, by id; a list is replaced only by the issuer that first published it.</summary>
public sealed class StatusListStore
{
    private readonly NpgsqlDataSource _dataSource;

    internal StatusListStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Stores a list, or replaces it when the same issuer published it before.</summary>
    /// <param name="id">The list's id (the last segment of its URL).</param>
    /// <param name="issuer">The issuer's DID, checked by the caller against the credential and its proof.</param>
    /// <param name="credential">The signed credential's bytes, served as they are.</param>
    /// <param name="now">When.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when another issuer holds the id.</returns>
    public Task<bool> PutAsync(string id, string issuer, ReadOnlyMemory<byte> credential, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(
                "INSERT INTO status_lists (id, issuer, credential, updated_at) VALUES ($1, $2, $3, $4) " +
                "ON CONFLICT (id) DO UPDATE SET credential = EXCLUDED.credential, updated_at = EXCLUDED.updated_at WHERE status_lists.issuer = EXCLUDED.issuer");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = issuer });
            command.Parameters.Add(new NpgsqlParameter { Value = credential.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        });

    /// <summary>Reads a list.</summary>
    /// <param name="id">The list's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The credential's bytes, or <see langword="null"/> when no list has that id.</returns>
    public Task<byte[]?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand("SELECT credential FROM status_lists WHERE id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        });
}
