using IdentityEhr.AuditLog.Entries;
using Npgsql;

namespace IdentityEhr.Storage.Internal;

/// <summary>
/// The projections written inside the append transaction, so they never lag the log: consent state and the record index.
/// A decision that reads them sees exactly the events committed before it.
/// </summary>
internal static class InlineProjections
{
    public static IEnumerable<NpgsqlBatchCommand> Commands(IReadOnlyList<(long Position, string Stream, long Version, PendingEvent Event)> accepted)
    {
        // One row per key per statement (ON CONFLICT cannot touch a row twice), so fold each batch per key first.
        var registered = new Dictionary<string, (string? Patient, long Position)>(StringComparer.Ordinal);
        var revoked = new Dictionary<string, (string? Patient, long Position)>(StringComparer.Ordinal);
        var stored = new Dictionary<string, (string? Patient, int Versions, long First, long Last)>(StringComparer.Ordinal);
        var erased = new Dictionary<string, (string? Patient, long Position)>(StringComparer.Ordinal);
        var anchors = new List<NpgsqlBatchCommand>();
        foreach (var (position, _, _, pending) in accepted)
        {
            var entry = pending.Entry;
            if (entry.Anchor is { } facts && AnchorCommand(entry, facts, position) is { } anchorCommand)
            {
                anchors.Add(anchorCommand);
                continue;
            }

            switch (entry.Type)
            {
                case AuditEventType.ConsentRegistered when entry.Consent is { } consent:
                    registered.TryAdd(consent, (entry.Subject, position));
                    break;
                case AuditEventType.ConsentRevoked when entry.Consent is { } consent:
                    revoked.TryAdd(consent, (entry.Subject, position));
                    break;
                case AuditEventType.RecordStored when entry.Record is { } record:
                    stored[record] = stored.TryGetValue(record, out var s) ? (s.Patient, s.Versions + 1, s.First, position) : (entry.Subject, 1, position, position);
                    break;
                case AuditEventType.RecordErased when entry.Record is { } record:
                    erased[record] = (entry.Subject, position);
                    break;
            }
        }

        if (registered.Count > 0)
        {
            yield return Command(
                "INSERT INTO consent_state (consent, patient, revoked, registered_position) " +
                "SELECT c, p, false, r FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(c, p, r) " +
                "ON CONFLICT (consent) DO UPDATE SET registered_position = coalesce(consent_state.registered_position, EXCLUDED.registered_position), " +
                "patient = coalesce(consent_state.patient, EXCLUDED.patient)",
                registered.Keys.ToArray(), registered.Values.Select(v => v.Patient).ToArray(), registered.Values.Select(v => v.Position).ToArray());
        }

        if (revoked.Count > 0)
        {
            yield return Command(
                "INSERT INTO consent_state (consent, patient, revoked, revoked_position) " +
                "SELECT c, p, true, r FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(c, p, r) " +
                "ON CONFLICT (consent) DO UPDATE SET revoked = true, revoked_position = coalesce(consent_state.revoked_position, EXCLUDED.revoked_position)",
                revoked.Keys.ToArray(), revoked.Values.Select(v => v.Patient).ToArray(), revoked.Values.Select(v => v.Position).ToArray());
        }

        if (stored.Count > 0)
        {
            yield return Command(
                "INSERT INTO record_index (record, patient, versions, first_position, last_position) " +
                "SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[]) " +
                "ON CONFLICT (record) DO UPDATE SET versions = record_index.versions + EXCLUDED.versions, last_position = EXCLUDED.last_position, " +
                "first_position = coalesce(record_index.first_position, EXCLUDED.first_position), patient = coalesce(record_index.patient, EXCLUDED.patient)",
                stored.Keys.ToArray(), stored.Values.Select(v => v.Patient).ToArray(), stored.Values.Select(v => v.Versions).ToArray(),
                stored.Values.Select(v => v.First).ToArray(), stored.Values.Select(v => v.Last).ToArray());
        }

        if (erased.Count > 0)
        {
            yield return Command(
                "INSERT INTO record_index (record, patient, versions, erased_position) " +
                "SELECT r, p, 0, e FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(r, p, e) " +
                "ON CONFLICT (record) DO UPDATE SET erased_position = EXCLUDED.erased_position",
                erased.Keys.ToArray(), erased.Values.Select(v => v.Patient).ToArray(), erased.Values.Select(v => v.Position).ToArray());
        }

        foreach (var command in anchors)
        {
            yield return command;
        }
    }

    // Anchor events are a few per anchoring period: one statement each, in log order.
    private static NpgsqlBatchCommand? AnchorCommand(AuditEntry entry, AnchorFacts facts, long position) => entry.Type switch
    {
        AuditEventType.AnchorSubmitted => Parameters(
            "INSERT INTO anchors (transaction, chain_id, contract, service_did, submitter, tree_size, root, nonce, max_fee_per_gas, " +
            "max_priority_fee, status, submitted_position, submitted_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted', $11, $12) " +
            // The very same transaction sent again (after a reorganisation dropped it, with identical fields) is open again.
            "ON CONFLICT (transaction) DO UPDATE SET status = 'submitted', reason = NULL, block_number = NULL, block_hash = NULL, log_index = NULL, " +
            "sequence = NULL, gas_used = NULL, settled_position = NULL, settled_at = NULL, submitted_position = EXCLUDED.submitted_position, " +
            "submitted_at = EXCLUDED.submitted_at",
            facts.Transaction, checked((long)facts.ChainId), facts.Contract, entry.Actor, facts.Submitter ?? "", checked((long)facts.TreeSize),
            facts.Root.ToArray(), checked((long)(facts.Nonce ?? 0)), facts.MaxFeePerGas ?? System.Numerics.BigInteger.Zero,
            facts.MaxPriorityFeePerGas ?? System.Numerics.BigInteger.Zero,
            position, entry.Time),

        // The confirmed transaction wins its nonce: any other submission with that nonce can never be mined now.
        AuditEventType.AnchorConfirmed => Parameters(
            "WITH won AS (UPDATE anchors SET status = 'confirmed', block_number = $2, block_hash = $3, log_index = $4, sequence = $5, " +
            "gas_used = $6, settled_position = $7, settled_at = $8 WHERE transaction = $1 AND status = 'submitted' RETURNING chain_id, submitter, nonce) " +
            "UPDATE anchors a SET status = 'replaced', settled_position = $7, settled_at = $8 FROM won " +
            "WHERE a.status = 'submitted' AND a.chain_id = won.chain_id AND a.submitter = won.submitter AND a.nonce = won.nonce AND a.transaction <> $1",
            facts.Transaction, (long?)facts.Block, facts.BlockHash, (long?)facts.LogIndex, (long?)facts.Sequence, (long?)facts.GasUsed, position, entry.Time),

        AuditEventType.AnchorReorged => Parameters(
            "UPDATE anchors SET status = 'reorged', reason = $2, settled_position = $3, settled_at = $4 " +
            "WHERE transaction = $1 AND status IN ('submitted', 'confirmed')",
            facts.Transaction, entry.Reason, position, entry.Time),
        _ => null,
    };

    private static NpgsqlBatchCommand Parameters(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    internal static NpgsqlBatchCommand Command(string sql, params Array[] arrays)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var array in arrays)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = array });
        }

        return command;
    }
}
