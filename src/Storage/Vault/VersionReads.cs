using Npgsql;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// Reads record versions for many callers in one query, as the event store's writer does for appends: whoever finds no query
/// running starts one for everything waiting, and the next waiting reads go in the next query. Under load a release costs a
/// share of one round trip instead of a round trip of its own; alone it costs one query, as before.
/// </summary>
internal sealed class VersionReads(NpgsqlDataSource dataSource)
{
    /// <summary>The most reads one query carries.</summary>
    private const int MaxBatch = 512;

    // q.i maps each row back to its caller; LATERAL picks the asked version, or the latest.
    private const string Sql =
        "SELECT v.record_id, v.version, v.patient, v.author, v.resource_type, v.content_id, v.length, v.event_id, v.position, v.stored_at, " +
        "v.custody_key, v.wrapped_key, CASE WHEN q.b THEN (SELECT data FROM vault_blobs b WHERE b.content_id = v.content_id) END, q.i " +
        "FROM unnest($1::text[], $2::integer[], $3::boolean[]) WITH ORDINALITY AS q(r, n, b, i) " +
        "CROSS JOIN LATERAL (SELECT * FROM vault_versions x WHERE x.record_id = q.r AND (q.n IS NULL OR x.version = q.n) ORDER BY x.version DESC LIMIT 1) v";

    private readonly Lock _gate = new();
    private List<Pending> _waiting = [];
    private bool _running;

    /// <summary>A version as read: metadata, custody key id, wrapped key, and the ciphertext when asked for.</summary>
    public sealed record Row(StoredRecord Record, string CustodyKeyId, byte[] WrappedKey, byte[]? Ciphertext);

    /// <summary>Reads a version (or the latest), or <see langword="null"/> when none is stored.</summary>
    public Task<Row?> ReadAsync(string recordId, int? version, bool withCiphertext, CancellationToken cancellationToken)
    {
        var pending = new Pending(recordId, version, withCiphertext);
        bool lead;
        lock (_gate)
        {
            _waiting.Add(pending);
            lead = !_running;
            _running = true;
        }

        if (lead)
        {
            _ = Task.Run(RunAsync, CancellationToken.None);
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _running = false;
                    return;
                }

                if (_waiting.Count <= MaxBatch)
                {
                    batch = _waiting;
                    _waiting = [];
                }
                else
                {
                    batch = _waiting[..MaxBatch];
                    _waiting.RemoveRange(0, MaxBatch);
                }
            }

            try
            {
                var rows = await LogStore.GuardAsync(() => QueryAsync(batch)).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(rows[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    private async Task<Row?[]> QueryAsync(List<Pending> batch)
    {
        var rows = new Row?[batch.Count];
        using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.RecordId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.WithCiphertext).ToArray() });
        using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var record = new StoredRecord(
                reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6),
                reader.GetGuid(7), reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9));
            var index = (int)reader.GetInt64(13) - 1;
            rows[index] = new Row(record, reader.GetString(10), (byte[])reader[11], reader.IsDBNull(12) ? null : (byte[])reader[12]);
        }

        return rows;
    }

    private sealed record Pending(string RecordId, int? Version, bool WithCiphertext)
    {
        public TaskCompletionSource<Row?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
