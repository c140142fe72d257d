using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>
/// The consent credentials patients registered, as they signed them. A credential is kept before its <c>ConsentRegistered</c>
/// event is appended and is listed only once the log holds that event (the inline <c>consent_state</c> projection), so nothing
/// shows here that the log does not.
/// </summary>
public sealed class ConsentStore
{
    private const string Columns =
        "c.consent, c.patient, c.grantee, c.status_list, c.status_index, c.credential, s.registered_position, s.revoked, s.revoked_position";

    private readonly NpgsqlDataSource _dataSource;

    internal ConsentStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Keeps a consent credential (before its event); a second put of the same id keeps the first.</summary>
    /// <param name="consent">What to keep.</param>
    /// <param name="now">When.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when kept now or before with the same patient; <see langword="false"/> when another patient holds the id.</returns>
    public Task<bool> PutAsync(ConsentRecord consent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consent);
        return LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(
                "INSERT INTO consent_credentials (consent, patient, grantee, status_list, status_index, credential, stored_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (consent) DO UPDATE SET consent = EXCLUDED.consent " +
                "WHERE consent_credentials.patient = EXCLUDED.patient");
            command.Parameters.Add(new NpgsqlParameter { Value = consent.Consent });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.Patient });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.Grantee });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.StatusList });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.StatusIndex });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.Credential.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        });
    }

    /// <summary>Reads one consent, registered or not yet.</summary>
    /// <param name="consent">The credential's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The consent, or <see langword="null"/>.</returns>
    public async Task<RegisteredConsent?> FindAsync(string consent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var found = await ReadAsync("WHERE c.consent = $1", consent, registeredOnly: false, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Reads a patient's registered consents, oldest first.</summary>
    /// <param name="patient">The patient's DID.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The consents whose <c>ConsentRegistered</c> event is in the log.</returns>
    public Task<IReadOnlyList<RegisteredConsent>> ListAsync(string patient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return ReadAsync("WHERE c.patient = $1", patient, registeredOnly: true, cancellationToken);
    }

    /// <summary>Reads the registered consents whose revocation entry is in a status list.</summary>
    /// <param name="statusList">The list's URL.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The consents.</returns>
    public Task<IReadOnlyList<RegisteredConsent>> InListAsync(string statusList, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statusList);
        return ReadAsync("WHERE c.status_list = $1", statusList, registeredOnly: true, cancellationToken);
    }

    private Task<IReadOnlyList<RegisteredConsent>> ReadAsync(string where, string value, bool registeredOnly, CancellationToken cancellationToken) =>
        LogStore.GuardAsync<IReadOnlyList<RegisteredConsent>>(async () =>
        {
            using var command = _dataSource.CreateCommand(
                $"SELECT {Columns} FROM consent_credentials c LEFT JOIN consent_state s ON s.consent = c.consent {where}" +
                (registeredOnly ? " AND s.registered_position IS NOT NULL" : "") + " ORDER BY s.registered_position NULLS LAST, c.consent");
            command.Parameters.Add(new NpgsqlParameter { Value = value });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var consents = new List<RegisteredConsent>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var record = new ConsentRecord(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<byte[]>(5));
                consents.Add(new RegisteredConsent(
                    record, reader.IsDBNull(6) ? null : reader.GetInt64(6), !reader.IsDBNull(7) && reader.GetBoolean(7), reader.IsDBNull(8) ? null : reader.GetInt64(8)));
            }

            return consents;
        });
}

/// <summary>A consent credential as kept: who consented to whom, where its revocation bit is, and the signed bytes.</summary>
/// <param name="Consent">The credential's id.</param>
/// <param name="Patient">The patient's DID (its issuer).</param>
/// <param name="Grantee">The grantee's DID (its subject).</param>
/// <param name="StatusList">The URL of its revocation list.</param>
/// <param name="StatusIndex">Its entry in that list.</param>
/// <param name="Credential">The credential as signed (JSON, or a compact vc+jwt).</param>
public sealed record ConsentRecord(string Consent, string Patient, string Grantee, string StatusList, int StatusIndex, ReadOnlyMemory<byte> Credential);

/// <summary>A kept consent and what the log says about it.</summary>
/// <param name="Record">The credential.</param>
/// <param name="RegisteredPosition">The position of its <c>ConsentRegistered</c> event, or <see langword="null"/> before it.</param>
/// <param name="IsRevoked">Whether a <c>ConsentRevoked</c> event was logged.</param>
/// <param name="RevokedPosition">The position of that event.</param>
public sealed record RegisteredConsent(ConsentRecord Record, long? RegisteredPosition, bool IsRevoked, long? RevokedPosition);
