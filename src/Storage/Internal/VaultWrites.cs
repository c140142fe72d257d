using IdentityEhr.AuditLog.Entries;
using Npgsql;

namespace IdentityEhr.Storage.Internal;

/// <summary>
/// The record vault's writes inside the append transaction: a stored version's row (and ciphertext, for the PostgreSQL backend)
/// with its <c>RecordStored</c> event, and the destruction of every wrapped key and ciphertext of a record with its
/// <c>RecordErased</c> event. So the vault never holds a version the log does not show, and an erasure the log shows is done.
/// </summary>
internal static class VaultWrites
{
    public static IEnumerable<NpgsqlBatchCommand> Commands(IReadOnlyList<(long Position, string Stream, long Version, PendingEvent Event)> accepted)
    {
        var stored = new List<(long Position, AuditEntry Entry, VaultAttachment Attachment)>();
        var erased = new List<string>();
        foreach (var (position, _, _, pending) in accepted)
        {
            if (pending.Attachment is { } attachment && pending.Entry.Type == AuditEventType.RecordStored)
            {
                stored.Add((position, pending.Entry, attachment));
            }
            else if (pending.Entry is { Type: AuditEventType.RecordErased, Record: { } record })
            {
                erased.Add(record);
            }
        }

        if (stored.Count > 0)
        {
            var rows = stored.Select(s => s.Attachment).ToArray();
            yield return InlineProjections.Command(
                "INSERT INTO vault_versions (record_id, version, patient, author, resource_type, content_id, length, custody_key, wrapped_key, " +
                "event_id, position, stored_at) SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], " +
                "$7::integer[], $8::text[], $9::bytea[], $10::uuid[], $11::bigint[], $12::timestamptz[])",
                rows.Select(r => r.RecordId).ToArray(), rows.Select(r => r.Version).ToArray(), rows.Select(r => r.Patient).ToArray(),
                rows.Select(r => r.Author).ToArray(), rows.Select(r => r.ResourceType).ToArray(), rows.Select(r => r.ContentId).ToArray(),
                rows.Select(r => r.Length).ToArray(), rows.Select(r => r.CustodyKeyId).ToArray(), rows.Select(r => r.WrappedKey).ToArray(),
                stored.Select(s => s.Entry.Id).ToArray(), stored.Select(s => s.Position).ToArray(), stored.Select(s => s.Entry.Time).ToArray());

            var blobs = rows.Where(r => r.Blob is not null).ToArray();
            if (blobs.Length > 0)
            {
                // Content-addressed: the same id is the same bytes, so a second copy adds nothing.
                yield return InlineProjections.Command(
                    "INSERT INTO vault_blobs (content_id, data) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (content_id) DO NOTHING",
                    blobs.Select(r => r.ContentId).ToArray(), blobs.Select(r => r.Blob!).ToArray());
            }
        }

        if (erased.Count > 0)
        {
            yield return InlineProjections.Command(
                "WITH gone AS (DELETE FROM vault_versions WHERE record_id = ANY($1) RETURNING content_id) " +
                "DELETE FROM vault_blobs b USING gone WHERE b.content_id = gone.content_id",
                erased.ToArray());
        }
    }
}
