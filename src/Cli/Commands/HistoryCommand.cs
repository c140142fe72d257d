using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.AuditLog.Receipts;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr history</c>: the patient reads who accessed their data, and checks each entry's receipt against the log's key.</summary>
internal static class HistoryCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var signer = WalletKeys.SignerOption();
        var limit = new Option<int>("--limit") { Description = "How many events, newest first (1 to 1000).", DefaultValueFactory = _ => 100 };
        var fhir = new Option<bool>("--fhir") { Description = "Print the history as a FHIR R4 AuditEvent Bundle (IHE BALP) instead." };
        var verify = new Option<bool>("--verify") { Description = "Fetch each event's receipt and check it: the entry, its inclusion proof and the checkpoint signature." };
        var key = new Option<string>("--key")
        {
            Description = "With --verify: the log's note verifier key (name+keyid+base64, or @file), obtained out of band; without it the key the service publishes is used (and said so).",
        };
        var command = new Command("history", "Your access history as a patient: who stored, read, was refused, broke the glass or erased what, when and why (--verify: each with its receipt checked).")
        {
            wallet, signer, limit, fhir, verify, key,
        };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            if (parse.GetValue(limit) is < 1 or > 1000)
            {
                throw new CliException(ExitCodes.UsageError, "--limit must be from 1 to 1000");
            }

            var (did, signingKey) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (signingKey)
            using (var client = ServiceClient.For(context, parse))
            {
                var path = $"/patients/{did}/history?limit={parse.GetValue(limit)}" + (parse.GetValue(fhir) ? "&format=fhir" : "");
                var body = await client.SendSignedAsync(HttpMethod.Get, path, null, null, signingKey, WalletKeys.KeyId(did, signingKey), cancellationToken);
                if (parse.GetValue(fhir))
                {
                    await context.Output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(body));
                    return;
                }

                var history = ServiceClient.Json(body);
                var items = history["items"] as JsonArray ?? throw new CliException(ExitCodes.Unavailable, "the service's history has no items");
                var failures = 0;
                if (parse.GetValue(verify))
                {
                    var (logKey, pinned) = await LogKeyAsync(client, parse.GetValue(key), cancellationToken);
                    foreach (var item in items)
                    {
                        var (valid, detail) = await CheckReceiptAsync(client, item!, logKey, cancellationToken);
                        item!["receiptValid"] = valid;
                        item["receiptCheck"] = detail;
                        failures += valid ? 0 : 1;
                    }

                    history["logKeyPinned"] = pinned;
                }

                if (parse.GetValue(context.Json))
                {
                    await context.Output.WriteLineAsync(history.ToJsonString(s_indented));
                }
                else
                {
                    foreach (var item in items)
                    {
                        var why = item!["reason"] is { } reason ? $" ({reason})" : "";
                        var receipt = item["receiptValid"] is { } v ? (v.GetValue<bool>() ? "  receipt ok" : $"  RECEIPT INVALID: {item["receiptCheck"]}") : "";
                        await context.Output.WriteLineAsync(
                            $"{item["time"]}  {item["type"],-16}{why}  by {item["actor"]}  record {item["record"] ?? "-"}  purpose {item["purpose"] ?? "-"}  leaf {item["position"]}{receipt}");
                    }

                    await context.Output.WriteLineAsync($"{items.Count} event(s)" + (history["before"] is { } before ? $"; older ones: --before {before}" : "")
                        + (parse.GetValue(verify) ? failures == 0 ? "; every receipt verified" + (history["logKeyPinned"]!.GetValue<bool>() ? "" : " (against the key the service publishes; pin it with --key)") : $"; {failures} receipt(s) did NOT verify" : ""));
                }

                if (failures > 0)
                {
                    throw new CliException(ExitCodes.CheckFailed, $"{failures} receipt(s) of your history did not verify");
                }
            }
        }));
        return command;
    }

    /// <summary>The log's verifier key: pinned with --key, or else the one the service publishes (weaker: the service vouches for itself).</summary>
    private static async Task<(AuditLog.Notes.NoteVerifierKey Key, bool Pinned)> LogKeyAsync(ServiceClient client, string? key, CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            return (LogKeys.Parse(key), true);
        }

        var published = await client.GetAsync("/log/key", cancellationToken) ?? throw new CliException(ExitCodes.Unavailable, "the service publishes no log key");
        return (LogKeys.Parse(System.Text.Encoding.UTF8.GetString(published).Trim()), false);
    }

    /// <summary>Fetches and checks one event's receipt; a receipt not ready yet (no checkpoint covers it) is reported as such.</summary>
    internal static async Task<(bool Valid, string Detail)> CheckReceiptAsync(ServiceClient client, JsonNode item, AuditLog.Notes.NoteVerifierKey key, CancellationToken cancellationToken)
    {
        var eventId = item["event"]?.ToString();
        // A new event waits for the next signed checkpoint (a second by default) before it has a receipt: wait a little for it.
        var bytes = await client.GetAsync($"/log/receipts/{eventId}", cancellationToken);
        for (var attempt = 0; bytes is null && attempt < 40; attempt++)
        {
            await Task.Delay(250, cancellationToken);
            bytes = await client.GetAsync($"/log/receipts/{eventId}", cancellationToken);
        }

        if (bytes is null)
        {
            return (false, "no receipt: no signed checkpoint covers the event after 10 s");
        }

        if (!AuditReceipt.TryParse(bytes, out var receipt, out var error))
        {
            return (false, $"not a receipt: {error}");
        }

        var result = receipt.Verify(key, null);
        if (!result.IsValid)
        {
            return (false, result.Failure.ToString());
        }

        return result.Entry!.Id.ToString() == eventId && receipt.LeafIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) == item["position"]?.ToString()
            ? (true, $"leaf {receipt.LeafIndex} in tree {receipt.Checkpoint.Checkpoint.TreeSize}" + (receipt.Anchor is { } a ? $", anchored in block {a.BlockNumber}" : ""))
            : (false, "the receipt is for another event or leaf");
    }
}
