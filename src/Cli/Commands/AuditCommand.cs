using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.Ethereum;

namespace IdentityEhr.Cli.Commands;

/// <summary>
/// <c>ehr audit verify receipt.json</c>: the auditor's check of a receipt, offline against the log's key (<c>--key</c>), or
/// against the chain the receipt is anchored on (<c>--rpc</c> with the service DID pinned by <c>--did</c>).
/// </summary>
internal static class AuditCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static readonly (AnchorCheck Check, string Label)[] s_anchorChecks =
    [
        (AnchorCheck.Entry, "entry"),
        (AnchorCheck.LeafIndex, "leaf index inside the tree"),
        (AnchorCheck.InclusionProof, "inclusion proof"),
        (AnchorCheck.Anchored, "receipt carries an anchor"),
        (AnchorCheck.Chain, "chain and service DID"),
        (AnchorCheck.Contract, "anchor contract and registry"),
        (AnchorCheck.AnchorEvent, "Anchored event in a canonical block"),
        (AnchorCheck.Submitter, "sent by the DID's owner or anchor delegate"),
        (AnchorCheck.Binding, "contract bound to the DID"),
        (AnchorCheck.CheckpointSignature, "checkpoint signed by a key of the DID"),
        (AnchorCheck.ConsistencyProof, "consistency proof to the anchored tree"),
        (AnchorCheck.Finality, "anchor final"),
    ];

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("receipt") { Description = "The receipt file ('-' reads standard input)." };
        var key = new Option<string>("--key") { Description = "Offline: the log's note verifier key (name+keyid+base64), or @file holding it." };
        var origin = new Option<string>("--origin") { Description = "The log origin to expect (default: the key's name, or any with --rpc)." };
        var rpc = CliContext.HttpUrlOption("--rpc", "Against the chain: a JSON-RPC URL of a node of the anchor's chain (the only thing asked online).");
        var did = new Option<string>("--did") { Description = "With --rpc: the service DID you trust (did:ethr); the receipt's anchor must name it." };
        var contract = new Option<string>("--contract") { Description = "With --rpc: the AuditAnchor contract address you trust (required with --rpc)." };
        var registry = new Option<string>("--registry") { Description = "With --rpc: pin the ERC-1056 registry (default: the contract's, if its code is the registry's)." };
        var finality = new Option<string>("--finality") { Description = "With --rpc: 'finalized' (default) or a number of confirmations, for chains without the tag." };
        var verify = new Command(
            "verify",
            "Check a receipt: the entry, its inclusion proof and the checkpoint signature offline (--key); or all that, the consistency "
            + "proof to the anchored tree head, and the Anchored event, its sender, the DID's key at that block and finality on the chain (--rpc --did --contract). "
            + "Exit 0 only when everything holds; 1 names the failed check; 2 usage; 3 the node could not be asked.")
        {
            file, key, origin, rpc, did, contract, registry, finality,
        };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(context.Json);
            AuditReceipt? receipt = null;
            ReceiptVerification? offline = null;
            AnchoredVerification? anchored = null;
            var exit = await ConsentCommand.RunAsync(context, async () =>
            {
                var bytes = CredentialFiles.ReadBytes(parse.GetValue(file)!, AuditReceipt.MaxLength);
                if (!AuditReceipt.TryParse(bytes, out receipt, out var error))
                {
                    throw new CliException(ExitCodes.UsageError, $"{parse.GetValue(file)}: {error}");
                }

                var rpcUrl = parse.GetValue(rpc);
                if ((rpcUrl is null) == (parse.GetValue(key) is null))
                {
                    throw new CliException(ExitCodes.UsageError, "give --key (offline, against the log's key) or --rpc with --did (against the chain), not both");
                }

                if (rpcUrl is null && (parse.GetValue(did) ?? parse.GetValue(contract) ?? parse.GetValue(registry) ?? parse.GetValue(finality)) is not null)
                {
                    throw new CliException(ExitCodes.UsageError, "--did, --contract, --registry and --finality apply to the chain check: give --rpc");
                }

                if (rpcUrl is null)
                {
                    offline = receipt.Verify(LogKeys.Parse(parse.GetValue(key)!), parse.GetValue(origin));
                    return;
                }

                var trust = Trust(parse.GetValue(did), parse.GetValue(contract), parse.GetValue(registry), parse.GetValue(finality), parse.GetValue(origin));
                using var verifier = new AnchoredReceiptVerifier(rpcUrl, trust);
                try
                {
                    anchored = await verifier.VerifyAsync(receipt, cancellationToken);
                }
                catch (Exception e) when (e is EthereumException or ChainUnavailableException)
                {
                    throw new CliException(ExitCodes.Unavailable, $"cannot check the anchor: {e.Message}");
                }
            });
            if (offline is not null)
            {
                await ReportOfflineAsync(context, json, receipt!, offline);
                return offline.IsValid ? ExitCodes.Success : ExitCodes.CheckFailed;
            }

            if (anchored is not null)
            {
                await ReportAnchoredAsync(context, json, receipt!, anchored);
                return anchored.IsValid ? ExitCodes.Success : ExitCodes.CheckFailed;
            }

            return exit;
        });
        return new Command("audit", "Auditor's checks of receipts.") { verify };
    }

    private static AnchorTrust Trust(string? did, string? contract, string? registry, string? finality, string? origin)
    {
        if (did is null || !did.StartsWith("did:ethr:", StringComparison.Ordinal) || did.Length > 512)
        {
            throw new CliException(ExitCodes.UsageError, "--rpc needs --did, the did:ethr of the service you trust (a forged receipt would name its own)");
        }

        if (contract is null)
        {
            throw new CliException(ExitCodes.UsageError, "--rpc needs --contract, the AuditAnchor address you trust (published by the operator, shown by ehr health)");
        }

        Address? Pinned(string? text, string name) => text is null ? null
            : Address.TryParse(text, out var address) ? address : throw new CliException(ExitCodes.UsageError, $"{name} is not an Ethereum address (0x and 40 hex digits)");

        var rule = AnchorFinality.FinalizedTag;
        if (finality is not null && !AnchorFinality.TryParse(finality, out rule))
        {
            throw new CliException(ExitCodes.UsageError, "--finality must be 'finalized' or a number of confirmations from 1 to 999999");
        }

        return new AnchorTrust
        {
            ServiceDid = did,
            Contract = Pinned(contract, "--contract"),
            Registry = Pinned(registry, "--registry"),
            Origin = origin,
            Finality = rule,
        };
    }

    private static async Task ReportAnchoredAsync(CliContext context, bool json, AuditReceipt receipt, AnchoredVerification result)
    {
        var checkpoint = receipt.Checkpoint.Checkpoint;
        var anchor = receipt.Anchor;
        var checks = s_anchorChecks.Select(c => (c.Label, Key: c.Check.ToString(), Passed: result.Passed(c.Check))).ToList();
        if (json)
        {
            var output = ReceiptJson(receipt, result.Entry, result.IsValid);
            output["failedCheck"] = result.Failed?.ToString();
            output["detail"] = result.Detail;
            output["anchor"] = anchor is null ? null : new JsonObject
            {
                ["chainId"] = anchor.ChainId,
                ["contract"] = anchor.Contract.ToString(),
                ["did"] = anchor.ServiceDid,
                ["transactionHash"] = anchor.TransactionHash,
                ["blockNumber"] = anchor.BlockNumber,
                ["treeSize"] = anchor.TreeSize,
                ["finalizedBlock"] = result.FinalizedBlock,
            };
            output["checks"] = ChecksJson(checks.Select(c => (c.Key, c.Passed)));
            await context.Output.WriteLineAsync(output.ToJsonString(s_indented));
            return;
        }

        await WriteTextAsync(
            context, receipt, result.Entry,
            $"leaf {receipt.LeafIndex} of {checkpoint.Origin} at tree size {checkpoint.TreeSize}"
                + (anchor is null ? ", not anchored" : $", anchored at tree size {anchor.TreeSize} in block {anchor.BlockNumber} of chain {anchor.ChainId} (tx {anchor.TransactionHash})"),
            checks.Select(c => (c.Label, c.Passed)),
            result.IsValid ? $"valid: {result.Detail}" : $"INVALID ({result.Failed}): {result.Detail}");
    }

    private static async Task ReportOfflineAsync(CliContext context, bool json, AuditReceipt receipt, ReceiptVerification result)
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
            var output = ReceiptJson(receipt, result.Entry, result.IsValid);
            output["failure"] = result.IsValid ? null : result.Failure.ToString();
            output["anchored"] = receipt.Anchor is not null;
            output["checks"] = ChecksJson(checks);
            await context.Output.WriteLineAsync(output.ToJsonString(s_indented));
            return;
        }

        await WriteTextAsync(
            context, receipt, result.Entry,
            $"leaf {receipt.LeafIndex} of {checkpoint.Origin} at tree size {checkpoint.TreeSize}, root {checkpoint.RootHash}",
            checks,
            result.IsValid
                ? "valid: the event is in the log whose key signed the checkpoint" + (receipt.Anchor is null ? string.Empty : " (the anchor was not checked: give --rpc and --did)")
                : $"INVALID: {result.Failure}");
    }

    /// <summary>What both reports say about the receipt in JSON.</summary>
    private static JsonObject ReceiptJson(AuditReceipt receipt, AuditLog.Entries.AuditEntry? entry, bool valid)
    {
        var checkpoint = receipt.Checkpoint.Checkpoint;
        return new JsonObject
        {
            ["valid"] = valid,
            ["eventId"] = receipt.EventId.ToString("D"),
            ["type"] = entry?.Type.ToString(),
            ["time"] = entry?.Time.ToString("O", CultureInfo.InvariantCulture),
            ["leafIndex"] = receipt.LeafIndex,
            ["origin"] = checkpoint.Origin,
            ["treeSize"] = checkpoint.TreeSize,
            ["rootHash"] = checkpoint.RootHash.ToBase64(),
        };
    }

    private static JsonObject ChecksJson(IEnumerable<(string Name, bool? Passed)> checks) =>
        new([.. checks.Select(c => KeyValuePair.Create(c.Name, (JsonNode?)(c.Passed is { } p ? p : null)))]);

    /// <summary>The human report: the event, where it is, each check, the verdict.</summary>
    private static async Task WriteTextAsync(
        CliContext context, AuditReceipt receipt, AuditLog.Entries.AuditEntry? entry, string place, IEnumerable<(string Label, bool? Passed)> checks, string verdict)
    {
        if (entry is not null)
        {
            await context.Output.WriteLineAsync($"event {receipt.EventId}: {entry.Type} by {entry.Actor} at {entry.Time:yyyy-MM-ddTHH:mm:ss.fffZ}");
        }

        await context.Output.WriteLineAsync(place);
        foreach (var (label, passed) in checks)
        {
            await context.Output.WriteLineAsync($"  {(passed is null ? "not reached" : passed.Value ? "ok    " : "FAILED")}  {label}");
        }

        await context.Output.WriteLineAsync(verdict);
    }

    /// <summary>Whether a check passed, failed, or was never reached because an earlier one failed.</summary>
    private static bool? Passed(ReceiptVerification result, ReceiptFailure check) =>
        result.IsValid || result.Failure > check ? true : result.Failure == check ? false : null;
}
