using System.Globalization;
using System.Text;
using IdentityEhr.Storage.Projections;
using Npgsql;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// What the service holds in its schema: for every table (found in <c>information_schema</c>, so tables added later count too)
/// its row count and an MD5 of its rows, plus the tree head. Two captures are equal exactly when no request changed anything.
/// </summary>
/// <remarks>
/// Only two things write without a request, and both only because the log grew: the checkpoint timer signs a checkpoint when
/// the tree head moved past the latest one, and the access-history projector follows new events (its rows and its position in
/// <c>projection_checkpoints</c>). A capture first waits until both have caught up with the tree head; from then on they change
/// nothing until an event is appended, so every table is compared, none excluded. (Anchoring is off in these tests; with it
/// on, <c>anchors</c> would change on its own as the chain confirms.)
/// </remarks>
internal sealed record ServiceState(long TreeSize, string Tables)
{
    /// <summary>Waits until the checkpoint and the projector cover the tree head (10 s at most), then reads every table.</summary>
    public static async Task<ServiceState> CaptureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(TimeSpan.FromSeconds(10));
        while (!await IsQuietAsync(connection, cancellationToken) && !quiet.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken);
        }

        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Contains("events", names);
        var text = new StringBuilder();
        foreach (var name in names)
        {
            // Every column, in row order by its text: a changed value, a new row or a removed one all change the digest.
            await using var digest = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM \"{name}\" t", connection);
            await using var reader = await digest.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            text.Append(CultureInfo.InvariantCulture, $"{name}: {reader.GetInt64(0)} rows, md5 {reader.GetString(1)}\n");
        }

        return new ServiceState(await ScalarAsync(connection, "SELECT tree_size FROM log_state", cancellationToken), text.ToString());
    }

    private static async Task<bool> IsQuietAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var head = await ScalarAsync(connection, "SELECT tree_size FROM log_state", cancellationToken);
        var checkpoint = await ScalarAsync(connection, "SELECT coalesce(max(tree_size), -1) FROM checkpoints", cancellationToken);
        var projected = await ScalarAsync(
            connection, $"SELECT coalesce(max(position), -1) FROM projection_checkpoints WHERE name = '{AccessHistoryProjector.Name}'", cancellationToken);
        return checkpoint == head && projected == head - 1;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
