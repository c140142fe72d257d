using Npgsql;

namespace IdentityEhr.Storage.Projections;

/// <summary>Reads the projections: consent state and record index (inline, never behind the log) and access history (asynchronous).</summary>
public sealed class ProjectionReader
{
    /// <summary>The most history items one read returns.</summary>
    public const int MaxHistoryItems = 1000;

    private readonly NpgsqlDataSource _dataSource;

    internal ProjectionReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Reads a patient's history, newest first.</summary>
    /// <param name="patient">The patient's DID.</param>
    /// <param name="beforePosition">Only events before this position (for paging); <see cref="long.MaxValue"/> for the newest.</param>
    /// <param name="maxCount">At most this many, up to <see cref="MaxHistoryItems"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events that concern the patient; as far as the projector has read (see <see cref="PositionAsync"/>).</returns>
    public Task<IReadOnlyList<AccessHistoryItem>> AccessHistoryAsync(
        string patient, long beforePosition = long.MaxValue, int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, MaxHistoryItems);
        return LogStore.GuardAsync<IReadOnlyList<AccessHistoryItem>>(async () =>
        {
            using var command = _dataSource.CreateCommand(
                "SELECT position, event_id, event_type, actor, record, purpose, reason, event_time FROM access_history " +
                "WHERE patient = $1 AND position < $2 ORDER BY position DESC LIMIT $3");
            command.Parameters.Add(new NpgsqlParameter { Value = patient });
            command.Parameters.Add(new NpgsqlParameter { Value = beforePosition });
            command.Parameters.Add(new NpgsqlParameter { Value = maxCount });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var items = new List<AccessHistoryItem>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new AccessHistoryItem(
                    reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), NullableString(reader, 4),
                    NullableString(reader, 5), NullableString(reader, 6), reader.GetFieldValue<DateTimeOffset>(7)));
            }

            return items;
        });
    }

    /// <summary>Reads what the log says about a consent.</summary>
    /// <param name="consent">The consent credential's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/> when the log never named it.</returns>
    public Task<ConsentState?> ConsentAsync(string consent, CancellationToken cancellationToken = default) =>
        LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(
                "SELECT consent, patient, revoked, registered_position, revoked_position FROM consent_state WHERE consent = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = consent });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new ConsentState(reader.GetString(0), NullableString(reader, 1), reader.GetBoolean(2), NullableLong(reader, 3), NullableLong(reader, 4))
                : null;
        });

    /// <summary>Reads what the log says about a record.</summary>
    /// <param name="record">The record's content id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/> when the log never named the record.</returns>
    public Task<RecordIndexEntry?> RecordAsync(string record, CancellationToken cancellationToken = default) =>
        LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(
                "SELECT record, patient, versions, first_position, last_position, erased_position FROM record_index WHERE record = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = record });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new RecordIndexEntry(reader.GetString(0), NullableString(reader, 1), reader.GetInt32(2), NullableLong(reader, 3), NullableLong(reader, 4), NullableLong(reader, 5))
                : null;
        });

    /// <summary>Reads the last position an asynchronous projection has applied.</summary>
    /// <param name="projection">The projection's name, such as <see cref="AccessHistoryProjector.Name"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position, or −1 when it has applied nothing yet.</returns>
    public Task<long> PositionAsync(string projection, CancellationToken cancellationToken = default) =>
        LogStore.GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand("SELECT position FROM projection_checkpoints WHERE name = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = projection });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : -1;
        });

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableLong(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
