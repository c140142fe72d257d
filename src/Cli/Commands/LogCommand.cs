using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr log checkpoint|proof|verify</c>: the auditor's view of the audit log, over HTTP or straight from the database.</summary>
internal static class LogCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var key = new Option<string>("--key") { Description = "The log's note verifier key (name+keyid+base64), or @file holding it; obtain it out of band.", Recursive = true };
        var log = new Command("log", "The audit log: signed checkpoints, proofs, and a full check of tiles and entries.") { key };
        log.Subcommands.Add(CheckpointCommand(context, key));
        log.Subcommands.Add(ProofCommand(context, key));
        log.Subcommands.Add(VerifyCommand(context, key));
        log.Subcommands.Add(AnchorsCommand(context));
        return log;
    }

    private static Command AnchorsCommand(CliContext context)
    {
        var limit = new Option<int>("--limit") { Description = "How many anchors to list, newest first (1 to 1000).", DefaultValueFactory = _ => 20 };
        var command = new Command("anchors", "List the log's anchor transactions on Ethereum: status, tree size, block and gas used.") { limit };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var count = parse.GetValue(limit);
            if (count is < 1 or > 1000)
            {
                throw new CliException(ExitCodes.UsageError, "--limit must be from 1 to 1000");
            }

            using var client = Client(context, parse);
            var body = await client.GetAsync($"log/anchors?limit={count.ToString(System.Globalization.CultureInfo.InvariantCulture)}", cancellationToken)
                ?? throw new CliException(ExitCodes.Unavailable, "the service has no /log/anchors (an older version?)");
            JsonArray anchors;
            try
            {
                anchors = JsonNode.Parse(body) as JsonArray ?? throw new JsonException();
            }
            catch (JsonException)
            {
                throw new CliException(ExitCodes.Unavailable, "the service's anchor list is not a JSON array");
            }

            if (parse.GetValue(context.Json))
            {
                await WriteJsonAsync(context, new JsonObject { ["anchors"] = anchors.DeepClone() });
                return;
            }

            if (anchors.Count == 0)
            {
                await context.Output.WriteLineAsync("no anchors yet (the log is anchored once it holds events and the anchoring period has passed)");
                return;
            }

            await context.Output.WriteLineAsync($"{"status",-10} {"tree size",10} {"block",8} {"gas used",9}  {"submitted (UTC)",-19}  transaction");
            foreach (var anchor in anchors.OfType<JsonObject>())
            {
                var status = anchor["status"]?.GetValue<string>() ?? "?";
                var reason = anchor["reason"]?.GetValue<string>() is { } r ? $" ({r})" : string.Empty;
                var submitted = anchor["submittedAt"]?.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "?";
                await context.Output.WriteLineAsync(
                    $"{status,-10} {anchor["treeSize"],10} {anchor["blockNumber"]?.ToString() ?? "-",8} {anchor["gasUsed"]?.ToString() ?? "-",9}  {submitted,-19}  {anchor["transaction"]}{reason}");
            }
        }));
        return command;
    }

    private static Command CheckpointCommand(CliContext context, Option<string> key)
    {
        var command = new Command("checkpoint", "Fetch the latest signed checkpoint; with --key, check its signature and origin.");
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            using var client = Client(context, parse);
            var checkpoint = await client.CheckpointAsync(cancellationToken);
            var verified = Verify(checkpoint, parse.GetValue(key));
            if (parse.GetValue(context.Json))
            {
                await WriteJsonAsync(context, new JsonObject
                {
                    ["origin"] = checkpoint.Checkpoint.Origin,
                    ["treeSize"] = checkpoint.Checkpoint.TreeSize,
                    ["rootHash"] = checkpoint.Checkpoint.RootHash.ToBase64(),
                    ["signatureVerified"] = verified,
                    ["note"] = checkpoint.ToString(),
                });
            }
            else
            {
                await context.Output.WriteAsync(checkpoint.ToString());
                await context.Output.WriteLineAsync(verified is null ? "(signature not checked: give --key)" : "signature: valid");
            }
        }));
        return command;
    }

    private static Command ProofCommand(CliContext context, Option<string> key)
    {
        var index = new Option<ulong>("--index") { Description = "The leaf index (the event's position).", Required = true };
        var size = new Option<ulong?>("--size") { Description = "The tree size (default: the latest checkpoint's)." };
        var inclusion = new Command("inclusion", "Fetch the inclusion proof of a leaf; with --key, check it against the signed checkpoint.") { index, size };
        inclusion.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            using var client = Client(context, parse);
            var checkpoint = await client.CheckpointAsync(cancellationToken);
            var treeSize = parse.GetValue(size) ?? checkpoint.Checkpoint.TreeSize;
            var leaf = parse.GetValue(index);
            var proof = await ProofAsync(client, $"/log/proof/inclusion?index={leaf}&size={treeSize}", cancellationToken);
            bool? verified = null;
            if (parse.GetValue(key) is { } vkey && Verify(checkpoint, vkey) is true)
            {
                if (treeSize != checkpoint.Checkpoint.TreeSize)
                {
                    throw new CliException(ExitCodes.UsageError, "with --key, --size must be the latest checkpoint's size (or left out)");
                }

                var leafHash = await LeafHashAsync(client, leaf, treeSize, cancellationToken);
                verified = new InclusionProof(leaf, treeSize, proof).Verify(leafHash, checkpoint.Checkpoint.RootHash).IsValid
                    ? true
                    : throw new CliException(ExitCodes.CheckFailed, $"the inclusion proof of leaf {leaf} does not lead to the checkpoint's root");
            }

            await WriteProofAsync(context, parse, new JsonObject { ["leafIndex"] = leaf, ["treeSize"] = treeSize }, proof, verified);
        }));

        var old = new Option<ulong>("--old") { Description = "The older tree size.", Required = true };
        var newer = new Option<ulong?>("--new") { Description = "The newer tree size (default: the latest checkpoint's)." };
        var consistency = new Command("consistency", "Fetch the consistency proof between two sizes; with --key, check it against the signed checkpoint and the tiles.") { old, newer };
        consistency.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            using var client = Client(context, parse);
            var checkpoint = await client.CheckpointAsync(cancellationToken);
            var newSize = parse.GetValue(newer) ?? checkpoint.Checkpoint.TreeSize;
            var oldSize = parse.GetValue(old);
            var proof = await ProofAsync(client, $"/log/proof/consistency?old={oldSize}&new={newSize}", cancellationToken);
            bool? verified = null;
            if (parse.GetValue(key) is { } vkey && Verify(checkpoint, vkey) is true)
            {
                if (newSize != checkpoint.Checkpoint.TreeSize)
                {
                    throw new CliException(ExitCodes.UsageError, "with --key, --new must be the latest checkpoint's size (or left out)");
                }

                // The old root, recomputed from the served tiles as any tlog-tiles client can.
                var oldRoot = TileProofs.Root(oldSize, await TilesAsync(client, TileProofs.TilesForRoot(oldSize), oldSize, cancellationToken));
                verified = new ConsistencyProof(oldSize, newSize, proof).Verify(oldRoot, checkpoint.Checkpoint.RootHash).IsValid
                    ? true
                    : throw new CliException(ExitCodes.CheckFailed, $"the consistency proof from size {oldSize} does not lead to the checkpoint's root");
            }

            await WriteProofAsync(context, parse, new JsonObject { ["oldSize"] = oldSize, ["treeSize"] = newSize }, proof, verified);
        }));

        return new Command("proof", "RFC 9162 inclusion and consistency proofs.") { inclusion, consistency };
    }

    private static Command VerifyCommand(CliContext context, Option<string> key)
    {
        var database = new Option<string>("--database")
        {
            Description = "Check the database itself (operator): a PostgreSQL connection string, or 'env' for EHR_POSTGRES. Also checks streams and every stored checkpoint.",
        };
        var rpc = CliContext.HttpUrlOption("--rpc", "Also hold every anchor on the chain against the log: a JSON-RPC URL of a node of the anchor's chain.");
        var did = new Option<string>("--did") { Description = "With --rpc: the service DID you trust (did:ethr)." };
        var contract = new Option<string>("--contract") { Description = "With --rpc: the AuditAnchor contract whose anchors to check (required with --rpc)." };
        var registry = new Option<string>("--registry") { Description = "With --rpc: pin the ERC-1056 registry." };
        var fromBlock = new Option<ulong>("--from-block") { Description = "With --rpc: the first block to search for anchors (the contract's deployment block).", DefaultValueFactory = _ => 0 };
        var command = new Command(
            "verify",
            "Walk the whole log, recompute every leaf and tile, and compare with what is served (or stored) and signed; with --rpc, "
            + "also check that every anchor on the chain is there in sequence, sent by the DID's owner or anchor delegate, and holds the log's root at its size.")
        {
            database, rpc, did, contract, registry, fromBlock,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            LogVerification? result = null;
            AnchorAudit? anchors = null;
            var exit = await ConsentCommand.RunAsync(context, async () =>
            {
                var logKey = parse.GetValue(key) is { } text ? LogKeys.Parse(text) : null;
                var monitor = parse.GetValue(rpc) is { } rpcUrl
                    ? new AnchorMonitor(rpcUrl, AnchorTrust(parse.GetValue(did), parse.GetValue(contract), parse.GetValue(registry)))
                    : null;
                using (monitor)
                {
                    if (parse.GetValue(database) is { } connection)
                    {
                        (result, anchors) = await VerifyDatabaseAsync(context, connection, logKey, monitor, parse.GetValue(fromBlock), cancellationToken);
                    }
                    else
                    {
                        using var client = Client(context, parse);
                        var checkpoint = await client.CheckpointAsync(cancellationToken);
                        if (logKey is not null && Verify(checkpoint, logKey) is not true)
                        {
                            throw new CliException(ExitCodes.CheckFailed, "the checkpoint's signature does not verify with --key");
                        }

                        result = await LogMirrorCheck.RunAsync(client, checkpoint, cancellationToken);
                        anchors = monitor is null ? null : await AuditAnchorsAsync(
                            monitor, result.TreeSize,
                            async (size, ct) => TileProofs.Root(size, await TilesAsync(client, TileProofs.TilesForRoot(size), size, ct)),
                            parse.GetValue(fromBlock), cancellationToken);
                    }
                }
            });
            if (result is null)
            {
                return exit;
            }

            await ReportAsync(context, parse, result, logKey: parse.GetValue(key) is not null, anchors);
            return result.IsIntact && anchors is not { IsConsistent: false } ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static AnchorTrust AnchorTrust(string? did, string? contract, string? registry)
    {
        if (did is null || !did.StartsWith("did:ethr:", StringComparison.Ordinal) || did.Length > 512)
        {
            throw new CliException(ExitCodes.UsageError, "--rpc needs --did, the did:ethr of the service you trust");
        }

        if (!Ethereum.Address.TryParse(contract, out var anchor))
        {
            throw new CliException(ExitCodes.UsageError, "--rpc needs --contract, the AuditAnchor address (0x and 40 hex digits) whose anchors to check");
        }

        Ethereum.Address? pinned = null;
        if (registry is not null)
        {
            pinned = Ethereum.Address.TryParse(registry, out var address)
                ? address
                : throw new CliException(ExitCodes.UsageError, "--registry is not an Ethereum address (0x and 40 hex digits)");
        }

        return new AnchorTrust { ServiceDid = did, Contract = anchor, Registry = pinned };
    }

    private static async Task<AnchorAudit> AuditAnchorsAsync(
        AnchorMonitor monitor, ulong treeSize, Func<ulong, CancellationToken, Task<TreeHash?>> rootAt, ulong fromBlock, CancellationToken cancellationToken)
    {
        try
        {
            return await monitor.CheckAsync(treeSize, rootAt, fromBlock, cancellationToken);
        }
        catch (Ethereum.EthereumException e)
        {
            throw new CliException(ExitCodes.Unavailable, $"cannot check the anchors: {e.Message}");
        }
    }

    private static async Task<(LogVerification Result, AnchorAudit? Anchors)> VerifyDatabaseAsync(
        CliContext context, string connection, NoteVerifierKey? logKey, AnchorMonitor? monitor, ulong fromBlock, CancellationToken cancellationToken)
    {
        var connectionString = connection == "env" ? context.Environment("EHR_POSTGRES") : connection;
        if (!PostgresServer.TryValidateConnectionString(connectionString, out var reason))
        {
            throw new CliException(ExitCodes.UsageError, $"--database is not a usable PostgreSQL connection string: {reason}");
        }

        // Read-only: no schema migration, no writer; one snapshot of the log.
        await using var log = LogStore.Connect(connectionString!);
        try
        {
            var result = await log.VerifyAsync(logKey, cancellationToken);
            return (result, monitor is null ? null : await AuditAnchorsAsync(monitor, result.TreeSize, log.RootAtAsync, fromBlock, cancellationToken));
        }
        catch (DatabaseUnavailableException e)
        {
            throw new CliException(ExitCodes.Unavailable, e.Message);
        }
        catch (AuditLog.AuditLogIntegrityException e)
        {
            throw new CliException(ExitCodes.CheckFailed, $"the stored log cannot be walked: {e.Message}");
        }
    }

    private static async Task ReportAsync(CliContext context, ParseResult parse, LogVerification result, bool logKey, AnchorAudit? anchors)
    {
        if (parse.GetValue(context.Json))
        {
            await WriteJsonAsync(context, new JsonObject
            {
                ["anchors"] = anchors is null ? null : new JsonObject
                {
                    ["consistent"] = anchors.IsConsistent,
                    ["checked"] = anchors.AnchorsChecked,
                    ["latestAnchoredSize"] = anchors.LatestAnchoredSize,
                    ["findings"] = new JsonArray([.. anchors.Findings.Select(f => (JsonNode)f)]),
                },
                ["intact"] = result.IsIntact,
                ["treeSize"] = result.TreeSize,
                ["entriesChecked"] = result.EventsChecked,
                ["tilesChecked"] = result.TilesChecked,
                ["checkpointsChecked"] = result.CheckpointsChecked,
                ["signaturesChecked"] = logKey,
                ["findings"] = new JsonArray([.. result.Findings.Select(f => (JsonNode)new JsonObject { ["where"] = f.Where, ["what"] = f.What })]),
                ["moreFindings"] = result.MoreFindings,
            });
            return;
        }

        foreach (var finding in result.Findings)
        {
            await context.Output.WriteLineAsync(finding.ToString());
        }

        var summary = $"tree size {result.TreeSize}: {result.EventsChecked} entries, {result.TilesChecked} tiles, {result.CheckpointsChecked} checkpoint(s) checked"
            + (logKey ? string.Empty : " (signatures not checked: give --key)");
        await context.Output.WriteLineAsync(result.IsIntact
            ? $"intact — {summary}"
            : $"NOT INTACT — {result.Findings.Count + result.MoreFindings} finding(s); {summary}");
        if (anchors is not null)
        {
            foreach (var finding in anchors.Findings)
            {
                await context.Output.WriteLineAsync(finding);
            }

            await context.Output.WriteLineAsync(anchors.IsConsistent
                ? $"anchors consistent — {anchors.AnchorsChecked} anchor(s) on the chain, up to tree size {anchors.LatestAnchoredSize}, each the log's root at its size"
                : $"ANCHORS CONTRADICT THE LOG — {anchors.Findings.Count} finding(s) among {anchors.AnchorsChecked} anchor(s)");
        }
    }

    private static ServiceClient Client(CliContext context, ParseResult parse) => ServiceClient.For(context, parse);

    /// <summary>Checks the checkpoint with the key when one is given: null when none is, true when valid; throws when invalid.</summary>
    private static bool? Verify(SignedCheckpoint checkpoint, string? key) => key is null ? null : Verify(checkpoint, LogKeys.Parse(key));

    private static bool Verify(SignedCheckpoint checkpoint, NoteVerifierKey key)
    {
        var error = checkpoint.Verify(key.Name, key);
        return error == CheckpointError.None
            ? true
            : throw new CliException(ExitCodes.CheckFailed, error == CheckpointError.WrongOrigin
                ? $"the checkpoint's origin '{checkpoint.Checkpoint.Origin}' is not the key's name '{key.Name}'"
                : "the checkpoint is not signed by --key");
    }

    private static async Task<System.Collections.Immutable.ImmutableArray<TreeHash>> ProofAsync(ServiceClient client, string path, CancellationToken cancellationToken)
    {
        var body = await client.GetAsync(path, cancellationToken) ?? throw new CliException(ExitCodes.CheckFailed, "the service has no such proof (size not reached)");
        try
        {
            var hashes = JsonNode.Parse(body)?["hashes"]?.AsArray() ?? throw new CliException(ExitCodes.Unavailable, "the proof answer has no hashes");
            return [.. hashes.Select(h => TreeHash.TryParseBase64(h?.GetValue<string>(), out var hash) ? hash : throw new CliException(ExitCodes.Unavailable, "the proof holds a malformed hash"))];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CliException(ExitCodes.Unavailable, "the proof answer is not the expected JSON");
        }
    }

    private static async Task<TreeHash> LeafHashAsync(ServiceClient client, ulong index, ulong treeSize, CancellationToken cancellationToken)
    {
        var tiles = await TilesAsync(client, [new TileId(0, index / TileId.Width)], treeSize, cancellationToken);
        return TileProofs.LeafHash(index, tiles);
    }

    private static async Task<Dictionary<TileId, Tile>> TilesAsync(ServiceClient client, IReadOnlyList<TileId> ids, ulong treeSize, CancellationToken cancellationToken)
    {
        var tiles = new Dictionary<TileId, Tile>();
        foreach (var id in ids)
        {
            var width = id.WidthAt(treeSize);
            var bytes = await client.ResourceAsync(new TileResource(false, id.Level, id.Index, width == TileId.Width ? 0 : width), cancellationToken);
            if (bytes is null || !Tile.TryCreate(id, bytes, out var tile) || tile.Width != width)
            {
                throw new CliException(ExitCodes.CheckFailed, $"{TilePath.Format(id)} is missing or malformed");
            }

            tiles[id] = tile;
        }

        return tiles;
    }

    private static async Task WriteProofAsync(CliContext context, ParseResult parse, JsonObject head, System.Collections.Immutable.ImmutableArray<TreeHash> proof, bool? verified)
    {
        head["hashes"] = new JsonArray([.. proof.Select(h => (JsonNode)h.ToBase64())]);
        head["verified"] = verified;
        if (parse.GetValue(context.Json))
        {
            await WriteJsonAsync(context, head);
            return;
        }

        foreach (var hash in proof)
        {
            await context.Output.WriteLineAsync(hash.ToBase64());
        }

        await context.Output.WriteLineAsync(verified is null ? "(not checked: give --key)" : "verified against the signed checkpoint");
    }

    private static Task WriteJsonAsync(CliContext context, JsonObject json) => context.Output.WriteLineAsync(json.ToJsonString(s_indented));
}
