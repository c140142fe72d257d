using System.CommandLine;
using System.Text.Json.Nodes;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr chain info</c>: the chain a running service uses, and its contracts there.</summary>
internal static class ChainCommand
{
    public static Command Create(CliContext context)
    {
        var info = new Command("info", "Show the chain id, RPC endpoint (origin only), ERC-1056 registry and AuditAnchor contract the service uses.");
        info.SetAction((parse, cancellationToken) => InfoAsync(context, parse, cancellationToken));
        return new Command("chain", "The Ethereum chain the service anchors on.") { info, DeployCommand(context) };
    }

    private static Command DeployCommand(CliContext context)
    {
        var rpc = CliContext.HttpUrlOption("--rpc", "The chain's JSON-RPC URL (default: EHR_ETH_RPC).");
        var chainId = new Option<ulong?>("--chain-id") { Description = "The chain id the node must report (default: EHR_CHAIN_ID)." };
        var from = new Option<string>("--from") { Description = "The wallet DID whose secp256k1 key signs and pays for the deployment.", Required = true };
        var identity = new Option<string>("--identity") { Description = "The service's did:ethr identity address that may anchor (default: the deployer's address)." };
        var registry = new Option<string>("--registry") { Description = "Use this existing ERC-1056 registry instead of deploying one (for example the canonical registry of a public chain)." };
        var wallet = new Option<string>("--wallet") { Description = "The wallet file (default: EHR_WALLET, or ~/.config/identityehr/wallet.json)." };
        var command = new Command("deploy", "Deploy the ERC-1056 registry (unless --registry) and the AuditAnchor contract, signed locally; print the EHR_* settings.")
        {
            rpc, chainId, from, identity, registry, wallet,
        };
        command.SetAction((parse, cancellationToken) => DeployAsync(context, parse, new DeployArguments(
            parse.GetValue(rpc), parse.GetValue(chainId), parse.GetValue(from)!, parse.GetValue(identity), parse.GetValue(registry), parse.GetValue(wallet)), cancellationToken));
        return command;
    }

    private sealed record DeployArguments(Uri? Rpc, ulong? ChainId, string From, string? Identity, string? Registry, string? Wallet);

    private static async Task<int> DeployAsync(CliContext context, ParseResult parse, DeployArguments arguments, CancellationToken cancellationToken)
    {
        var rpc = arguments.Rpc ?? (Uri.TryCreate(context.Environment("EHR_ETH_RPC"), UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);
        var chainId = arguments.ChainId ?? (ulong.TryParse(context.Environment("EHR_CHAIN_ID"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null);
        if (rpc is null || !Ethereum.Rpc.EthereumRpcClient.IsHttpUrl(rpc) || chainId is null)
        {
            return await context.FailAsync(ExitCodes.UsageError, "deploy needs --rpc (or EHR_ETH_RPC) and --chain-id (or EHR_CHAIN_ID)");
        }

        Ethereum.Address? identity = null;
        if (arguments.Identity is not null)
        {
            identity = Ethereum.Address.TryParse(arguments.Identity, out var parsed) ? parsed : null;
            if (identity is null)
            {
                return await context.FailAsync(ExitCodes.UsageError, "--identity must be an address: 0x and 40 hexadecimal digits");
            }
        }

        Ethereum.Address? existingRegistry = null;
        if (arguments.Registry is not null)
        {
            existingRegistry = Ethereum.Address.TryParse(arguments.Registry, out var parsed) ? parsed : null;
            if (existingRegistry is null)
            {
                return await context.FailAsync(ExitCodes.UsageError, "--registry must be an address: 0x and 40 hexadecimal digits");
            }
        }

        byte[] secret;
        try
        {
            secret = WalletKeys.Secp256k1Secret(context, arguments.Wallet, arguments.From);
        }
        catch (CliException e)
        {
            return await context.FailAsync(e.ExitCode, e.Message);
        }
        catch (Identity.Wallets.WalletException e)
        {
            return await context.FailAsync(ExitCodes.UsageError, e.Message);
        }

        using var client = new Ethereum.Rpc.EthereumRpcClient(rpc);
        try
        {
            var reported = await client.GetChainIdAsync(cancellationToken);
            if (reported != chainId)
            {
                return await context.FailAsync(ExitCodes.UsageError, $"the node at {Ethereum.Rpc.EthereumRpcClient.DescribeEndpoint(rpc)} reports chain id {reported}, not {chainId}");
            }

            using var sender = new Ethereum.Transactions.TransactionSender(client, chainId.Value, secret);
            var registry = existingRegistry ?? await DeployContractAsync(sender, Ethereum.Contracts.ContractArtifact.EthereumDidRegistry, [], cancellationToken);
            var anchorIdentity = identity ?? sender.Account;
            byte[] constructorArguments = [.. new byte[12], .. registry.ToBytes(), .. new byte[12], .. anchorIdentity.ToBytes()];
            var anchor = await DeployContractAsync(sender, Ethereum.Contracts.ContractArtifact.AuditAnchor, constructorArguments, cancellationToken);
            if (parse.GetValue(context.Json))
            {
                await context.Output.WriteLineAsync(new JsonObject
                {
                    ["chainId"] = chainId,
                    ["didRegistry"] = registry.ToChecksumString(),
                    ["auditAnchor"] = anchor.ToChecksumString(),
                    ["serviceIdentity"] = anchorIdentity.ToChecksumString(),
                    ["deployer"] = sender.Account.ToChecksumString(),
                }.ToJsonString());
            }
            else
            {
                await context.Output.WriteLineAsync($"export EHR_DID_REGISTRY={registry.ToChecksumString()}");
                await context.Output.WriteLineAsync($"export EHR_AUDIT_ANCHOR={anchor.ToChecksumString()}");
                await context.Error.WriteLineAsync($"ehr: deployed from {sender.Account.ToChecksumString()}; the anchor accepts {anchorIdentity.ToChecksumString()}'s owner or its 'anchor' delegate.");
            }

            return ExitCodes.Success;
        }
        catch (Ethereum.Rpc.EthereumRpcException e)
        {
            return await context.FailAsync(e.Kind is Ethereum.Rpc.RpcErrorKind.Reverted or Ethereum.Rpc.RpcErrorKind.InsufficientFunds ? ExitCodes.CheckFailed : ExitCodes.Unavailable, e.Message);
        }
        catch (CliException e)
        {
            return await context.FailAsync(e.ExitCode, e.Message);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static async Task<Ethereum.Address> DeployContractAsync(
        Ethereum.Transactions.TransactionSender sender, Ethereum.Contracts.ContractArtifact artifact, byte[] constructorArguments, CancellationToken cancellationToken)
    {
        var receipt = await sender.SendAsync(null, (byte[])[.. artifact.Bytecode, .. constructorArguments], cancellationToken: cancellationToken);
        return receipt is { Succeeded: true, ContractAddress: { } address }
            ? address
            : throw new CliException(ExitCodes.CheckFailed, $"deploying {artifact.ContractName} failed in transaction {receipt.TransactionHash}");
    }

    private static async Task<int> InfoAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        if (context.ServiceUrl(parse, out var problem) is not { } url)
        {
            return await context.FailAsync(ExitCodes.UsageError, problem!);
        }

        var health = await ServiceHealth.FetchAsync(context, url, TimeSpan.FromSeconds(15), cancellationToken);
        if (health.Failure is { } failure)
        {
            return await context.FailAsync(failure.ExitCode, failure.Reason);
        }

        var chain = health.Report?["chain"];
        if (chain is not JsonObject details)
        {
            return await context.FailAsync(ExitCodes.Unavailable, $"{url.GetLeftPart(UriPartial.Authority)} reported no chain");
        }

        var result = new JsonObject
        {
            ["chainId"] = details["chainId"]?.DeepClone(),
            ["rpc"] = details["rpc"]?.DeepClone(),
            ["embedded"] = details["embedded"]?.DeepClone(),
            ["status"] = details["status"]?.DeepClone(),
            ["didRegistry"] = details["contracts"]?["didRegistry"]?.DeepClone(),
            ["auditAnchor"] = details["contracts"]?["auditAnchor"]?.DeepClone(),
            ["serviceIdentity"] = details["contracts"]?["serviceIdentity"]?.DeepClone(),
        };
        if (parse.GetValue(context.Json))
        {
            await context.Output.WriteLineAsync(result.ToJsonString());
        }
        else
        {
            foreach (var (name, value) in result)
            {
                await context.Output.WriteLineAsync($"{name,-16} {value?.ToString() ?? "(none)"}");
            }
        }

        return details["status"]?.GetValue<string>() == "up" ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
