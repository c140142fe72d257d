using System.Text;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Notes;
using Npgsql;
using NpgsqlTypes;

namespace IdentityEhr.Access.Load;

/// <summary>
/// No lost audit entries: every granted response's <c>AccessGranted</c> event is in the service's event table, and inside the
/// tree of the latest checkpoint the service serves (signature checked with the key it serves); a sample of receipts is fetched
/// over HTTP as an auditor would.
/// </summary>
internal static class AuditCheck
{
    public static async Task<bool> RunAsync(HttpClient http, Uri service, string connectionString, IReadOnlyList<Guid> granted, int receipts, CancellationToken cancellationToken)
    {
        // Wait for a checkpoint that covers the last grant: the log cuts one every second while the tree grows.
        await Task.Delay(TimeSpan.FromSeconds(2.5), cancellationToken);
        var keyText = (await http.GetStringAsync(new Uri(service, "/log/key"), cancellationToken)).Trim();
        var note = await http.GetStringAsync(new Uri(service, "/log/checkpoint"), cancellationToken);
        if (!NoteVerifierKey.TryParse(keyText, out var key, out _) || !SignedCheckpoint.TryParse(note, out var checkpoint, out var parseError))
        {
            Console.WriteLine("  lost-entry check: FAILED, the checkpoint or the log key does not parse");
            return false;
        }

        var signature = checkpoint.Verify(key.Name, key);
        var treeSize = (long)checkpoint.Checkpoint.TreeSize;

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE granted (event_id uuid)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY granted (event_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var id in granted)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        long missing, uncovered, wrongType, distinct;
        await using (var query = new NpgsqlCommand(
            """
            SELECT count(DISTINCT g.event_id),
                   count(*) FILTER (WHERE e.event_id IS NULL),
                   count(*) FILTER (WHERE e.position >= $1),
                   count(*) FILTER (WHERE e.event_type <> 'AccessGranted')
            FROM granted g LEFT JOIN events e ON e.event_id = g.event_id
            """, connection))
        {
            query.Parameters.Add(new NpgsqlParameter { Value = treeSize });
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (distinct, missing, uncovered, wrongType) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        // A sample of receipts over HTTP, spread over the run.
        var fetched = 0;
        var step = Math.Max(1, granted.Count / Math.Max(1, receipts));
        for (var i = 0; i < granted.Count && fetched < receipts; i += step, fetched++)
        {
            using var response = await http.GetAsync(new Uri(service, $"/log/receipts/{granted[i]}"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Console.WriteLine($"  receipt of {granted[i]}: {(int)response.StatusCode} {Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken))}");
                missing++;
            }
        }

        var ok = signature == CheckpointError.None && distinct == granted.Count && missing == 0 && uncovered == 0 && wrongType == 0;
        Console.WriteLine(
            $"  lost-entry check: {granted.Count:N0} granted responses ({distinct:N0} distinct event ids); not in the log: {missing:N0}; not an AccessGranted: {wrongType:N0}; " +
            $"outside the latest checkpoint (tree size {treeSize:N0}, signature {signature}): {uncovered:N0}; receipts fetched over HTTP: {fetched} → {(ok ? "PASS, no lost entries" : "FAIL")}");
        return ok;
    }
}
