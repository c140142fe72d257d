using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.AuditLog.Receipts;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr audit verify receipt.json --key …</c>: checks a receipt offline against the log's public key.</summary>
internal static class AuditCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("receipt") { Description = "The receipt file ('-' reads standard input)." };
        var key = new Option<string>("--key") { Description = "The log's note verifier key (name+keyid+base64), or @file holding it.", Required = true };
        var origin = new Option<string>("--origin") { Description = "The log origin to expect (default: the key's name)." };
        var verify = new Command("verify", "Check a receipt offline: the entry, the checkpoint's origin and signature, and the inclusion proof.") { file, key, origin };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            ReceiptVerification? result = null;
            AuditReceipt? receipt = null;
            var exit = await ConsentCommand.RunAsync(context, () =>
            {
                var bytes = CredentialFiles.ReadBytes(parse.GetValue(file)!, AuditReceipt.MaxLength);
                if (!AuditReceipt.TryParse(bytes, out receipt, out var error))
                {
                    throw new CliException(ExitCodes.UsageError, $"{parse.GetValue(file)}: {error}");
                }

                result = receipt.Verify(LogKeys.Parse(parse.GetValue(key)!), parse.GetValue(origin));
                return Task.CompletedTask;
            });
            if (result is null)
            {
                return exit;
            }

            await ReportAsync(context, parse.GetValue(context.Json), receipt!, result);
            return result.IsValid ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return new Command("audit", "Auditor's checks of receipts.") { verify };
    }

    private static async Task ReportAsync(CliContext context, bool json, AuditReceipt receipt, ReceiptVerification result)
    {
        var checkpoint = receipt.Checkpoint.Checkpoint;
        (string Check, bool? Passed)[] checks =
        [
            ("entry", Passed(result, ReceiptFailure.EntryInvalid)),
            ("checkpoint origin", Passed(result, ReceiptFailure.WrongOrigin)),
            ("checkpoint signature", Passed(result, ReceiptFailure.CheckpointSignatureInvalid)),
            ("leaf index inside the tree", Passed(result, ReceiptFailure.IndexOutsideTree)),
            ("inclusion proof", Passed(result, ReceiptFailure.InclusionProofInvalid)),
        ];
        if (json)
        {
            var output = new JsonObject
            {
                ["valid"] = result.IsValid,
                ["failure"] = result.IsValid ? null : result.Failure.ToString(),
                ["eventId"] = receipt.EventId.ToString("D"),
                ["type"] = result.Entry?.Type.ToString(),
                ["time"] = result.Entry?.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["leafIndex"] = receipt.LeafIndex,
                ["origin"] = checkpoint.Origin,
                ["treeSize"] = checkpoint.TreeSize,
                ["rootHash"] = checkpoint.RootHash.ToBase64(),
                ["checks"] = new JsonObject([.. checks.Select(c => KeyValuePair.Create(c.Check, (JsonNode?)(c.Passed is { } p ? p : null)))]),
            };
            await context.Output.WriteLineAsync(output.ToJsonString(s_indented));
            return;
        }

        if (result.Entry is { } entry)
        {
            await context.Output.WriteLineAsync($"event {receipt.EventId}: {entry.Type} by {entry.Actor} at {entry.Time:yyyy-MM-ddTHH:mm:ss.fffZ}");
        }

        await context.Output.WriteLineAsync($"leaf {receipt.LeafIndex} of {checkpoint.Origin} at tree size {checkpoint.TreeSize}, root {checkpoint.RootHash}");
        foreach (var (check, passed) in checks)
        {
            await context.Output.WriteLineAsync($"  {(passed is null ? "not reached" : passed.Value ? "ok    " : "FAILED")}  {check}");
        }

        await context.Output.WriteLineAsync(result.IsValid
            ? "valid: the event is in the log whose key signed the checkpoint"
            : $"INVALID: {result.Failure}");
    }

    /// <summary>Whether a check passed, failed, or was never reached because an earlier one failed.</summary>
    private static bool? Passed(ReceiptVerification result, ReceiptFailure check) =>
        result.IsValid || result.Failure > check ? true : result.Failure == check ? false : null;
}
