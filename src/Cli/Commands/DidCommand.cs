using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Identity.Wallets;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr did create|resolve|list</c>: DIDs held in the local wallet, and resolution locally or through the service.</summary>
internal static class DidCommand
{
    private const int MaxResponseBytes = 1024 * 1024;
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var did = new Command("did", "Create, list, resolve and update DIDs.")
        {
            wallet, CreateCommand(context, wallet), ResolveCommand(context), ListCommand(context, wallet), DidUpdateCommand.Create(context, wallet),
        };
        return did;
    }

    private static Command CreateCommand(CliContext context, Option<string> walletOption)
    {
        var method = new Option<string>("--method") { Description = "The DID method: key, or ethr (a secp256k1 key whose address is the identity).", DefaultValueFactory = _ => "key" };
        method.AcceptOnlyFromAmong("key", "ethr");
        var network = new Option<string>("--network") { Description = "did:ethr only: the network name or 0x + chain id in hex (default: the service's chain)." };
        var type = new Option<string>("--type") { Description = "The key type.", DefaultValueFactory = _ => "ed25519" };
        type.AcceptOnlyFromAmong("ed25519", "secp256k1", "p256", "p384", "p521", "x25519");
        var label = new Option<string>("--label") { Description = "A name for the key in the wallet." };
        var command = new Command("create", "Create a DID, keep its private key in the wallet (sealed with your passphrase), print the DID.") { method, type, label, network };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var isEthr = parse.GetValue(method) == "ethr";
            if (isEthr && parse.GetResult(type) is { Implicit: false } && parse.GetValue(type) != "secp256k1")
            {
                return await context.FailAsync(ExitCodes.UsageError, "a did:ethr is a secp256k1 key; leave out --type or give --type secp256k1");
            }

            string? ethrNetwork = null;
            if (isEthr)
            {
                ethrNetwork = parse.GetValue(network) ?? await ServiceNetworkAsync(context, parse, cancellationToken);
                if (ethrNetwork is null)
                {
                    return await context.FailAsync(ExitCodes.UsageError, "give --network (for example 0x7a69), or run the service so its chain can be asked");
                }
            }

            var keyType = isEthr ? KeyType.Secp256k1 : parse.GetValue(type) switch
            {
                "secp256k1" => KeyType.Secp256k1,
                "p256" => KeyType.P256,
                "p384" => KeyType.P384,
                "p521" => KeyType.P521,
                "x25519" => KeyType.X25519,
                _ => KeyType.Ed25519,
            };
            var file = new WalletFile(context, parse.GetValue(walletOption));
            try
            {
                var (wallet, sealer) = file.Open(createIfMissing: true);
                using (sealer)
                using (var key = PrivateKey.Generate(keyType))
                {
                    var created = ethrNetwork is null
                        ? DidKey.Create(key.PublicKey)
                        : Did.Create("ethr", $"{ethrNetwork}:{Ethereum.Address.FromPublicKey(key.PublicKey.Bytes)}");
                    file.Save(wallet.Add(key, created, parse.GetValue(label), sealer, context.Time.GetUtcNow()));
                    if (parse.GetValue(context.Json))
                    {
                        await context.Output.WriteLineAsync(new JsonObject
                        {
                            ["did"] = created.ToString(),
                            ["keyType"] = keyType.ToString(),
                            ["publicKeyMultibase"] = key.PublicKey.ExportMultikey(),
                            ["wallet"] = file.Path,
                        }.ToJsonString());
                    }
                    else
                    {
                        await context.Output.WriteLineAsync(created.ToString());
                    }
                }
            }
            catch (WalletException e)
            {
                return await context.FailAsync(ExitCodes.UsageError, e.Message);
            }
            catch (CliException e)
            {
                return await context.FailAsync(e.ExitCode, e.Message);
            }
            catch (IOException e)
            {
                return await context.FailAsync(ExitCodes.Unavailable, $"cannot write {file.Path}: {e.Message}");
            }
            catch (UnauthorizedAccessException)
            {
                return await context.FailAsync(ExitCodes.Unavailable, $"cannot write {file.Path}: permission denied");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Asks the running service for its chain id and names the did:ethr network after it; null when it cannot be asked.</summary>
    private static async Task<string?> ServiceNetworkAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        if (context.ServiceUrl(parse, out _) is not { } url)
        {
            return null;
        }

        var health = await ServiceHealth.FetchAsync(context, url, TimeSpan.FromSeconds(5), cancellationToken);
        return health.Report?["chain"]?["chainId"] is JsonValue id && id.TryGetValue<ulong>(out var chainId) ? $"0x{chainId:x}" : null;
    }

    private static Command ListCommand(CliContext context, Option<string> walletOption)
    {
        var command = new Command("list", "List the DIDs in the wallet (public information only).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = new WalletFile(context, parse.GetValue(walletOption));
            KeyWallet wallet;
            try
            {
                var (opened, sealer) = file.Open(createIfMissing: false);
                sealer.Dispose();
                wallet = opened;
            }
            catch (WalletException e)
            {
                return await context.FailAsync(ExitCodes.UsageError, e.Message);
            }
            catch (CliException e)
            {
                return await context.FailAsync(e.ExitCode, e.Message);
            }

            if (parse.GetValue(context.Json))
            {
                var list = new JsonArray([.. wallet.Entries.Select(e => (JsonNode)new JsonObject
                {
                    ["did"] = e.Did.ToString(),
                    ["keyType"] = e.PublicKey.Type.ToString(),
                    ["label"] = e.Label,
                    ["created"] = e.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                })]);
                await context.Output.WriteLineAsync(list.ToJsonString());
            }
            else
            {
                foreach (var entry in wallet.Entries)
                {
                    await context.Output.WriteLineAsync($"{entry.Did}  {entry.PublicKey.Type}{(entry.Label is null ? string.Empty : "  " + entry.Label)}");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ResolveCommand(CliContext context)
    {
        var didArgument = new Argument<string>("did") { Description = "The DID to resolve." };
        var local = new Option<bool>("--local") { Description = "Resolve in this process instead of through the service (did:key only)." };
        var format = new Option<PublicKeyFormat>("--format") { Description = "How verification methods write their keys.", DefaultValueFactory = _ => PublicKeyFormat.Multikey };
        var versionId = new Option<string>("--version-id") { Description = "Resolve a past version (did:ethr: a block number)." };
        var versionTime = new Option<DateTimeOffset?>("--version-time") { Description = "Resolve the version valid at this time (ISO 8601)." };
        var command = new Command("resolve", "Resolve a DID and print its DID document (--json: the whole resolution result).") { didArgument, local, format, versionId, versionTime };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var did = parse.GetValue(didArgument)!;
            var options = DidResolutionOptions.Default with { PublicKeyFormat = parse.GetValue(format), VersionId = parse.GetValue(versionId), VersionTime = parse.GetValue(versionTime) };
            if (options.VersionId is not null && options.VersionTime is not null)
            {
                return await context.FailAsync(ExitCodes.UsageError, "--version-id and --version-time cannot be given together");
            }

            JsonObject result;
            if (parse.GetValue(local))
            {
                var resolver = new DidResolver([new DidKey()], context.Time, cacheCapacity: 0);
                result = (await resolver.ResolveAsync(did, options, cancellationToken)).ToJson();
            }
            else
            {
                if (context.ServiceUrl(parse, out var problem) is not { } url)
                {
                    return await context.FailAsync(ExitCodes.UsageError, problem!);
                }

                var fetched = await FetchAsync(context, url, did, options, cancellationToken);
                if (fetched.ExitCode != ExitCodes.Success)
                {
                    return fetched.ExitCode;
                }

                result = fetched.Result!;
            }

            if (result["didResolutionMetadata"]?["error"] is JsonObject error)
            {
                var type = error["type"]?.GetValue<string>() ?? string.Empty;
                var code = type.EndsWith("#INVALID_DID", StringComparison.Ordinal) || type.EndsWith("#INVALID_OPTIONS", StringComparison.Ordinal)
                    ? ExitCodes.UsageError
                    : ExitCodes.CheckFailed;
                if (parse.GetValue(context.Json))
                {
                    await context.Output.WriteLineAsync(result.ToJsonString());
                }

                return await context.FailAsync(code, $"{error["title"]?.GetValue<string>()}: {error["detail"]?.GetValue<string>()}");
            }

            await context.Output.WriteLineAsync(parse.GetValue(context.Json)
                ? result.ToJsonString()
                : result["didDocument"]!.ToJsonString(s_indented));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<(int ExitCode, JsonObject? Result)> FetchAsync(
        CliContext context, Uri service, string did, DidResolutionOptions options, CancellationToken cancellationToken)
    {
        var query = $"?publicKeyFormat={options.PublicKeyFormat}"
            + (options.VersionId is { } version ? $"&versionId={Uri.EscapeDataString(version)}" : string.Empty)
            + (options.VersionTime is { } time ? $"&versionTime={Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture))}" : string.Empty);
        var target = new Uri(service, $"/1.0/identifiers/{Uri.EscapeDataString(did)}{query}");
        using var http = context.CreateHttpClient(TimeSpan.FromSeconds(15));
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(DidResolutionResult.ResolutionMediaType));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                return (await context.FailAsync(ExitCodes.Unavailable, $"{service.GetLeftPart(UriPartial.Authority)} answered with an oversized body"), null);
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return JsonNode.Parse(body) is JsonObject result && result.ContainsKey("didResolutionMetadata")
                ? (ExitCodes.Success, result)
                : ProblemOrGarbage(context, body, (int)response.StatusCode, service);
        }
        catch (HttpRequestException)
        {
            return (await context.FailAsync(ExitCodes.Unavailable, $"cannot reach {service.GetLeftPart(UriPartial.Authority)}: is the service running (./run.sh)? Or use --local"), null);
        }
        catch (JsonException)
        {
            return (await context.FailAsync(ExitCodes.Unavailable, $"{service.GetLeftPart(UriPartial.Authority)} did not answer with JSON"), null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (await context.FailAsync(ExitCodes.Unavailable, $"{service.GetLeftPart(UriPartial.Authority)} did not answer within 15 s"), null);
        }
    }

    private static (int, JsonObject?) ProblemOrGarbage(CliContext context, string body, int status, Uri service)
    {
        // A problem-details answer (for example 406 before resolution) becomes a resolution result with that error.
        if (JsonNode.Parse(body) is JsonObject problem && problem["type"] is not null)
        {
            return (ExitCodes.Success, new JsonObject
            {
                ["didDocument"] = null,
                ["didResolutionMetadata"] = new JsonObject { ["error"] = new JsonObject { ["type"] = problem["type"]!.DeepClone(), ["title"] = problem["title"]?.DeepClone(), ["detail"] = problem["detail"]?.DeepClone() } },
                ["didDocumentMetadata"] = new JsonObject(),
            });
        }

        context.Error.WriteLine($"ehr: {service.GetLeftPart(UriPartial.Authority)} answered HTTP {status} without a resolution result");
        return (ExitCodes.Unavailable, null);
    }
}
