using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Ethereum.Transactions;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods.Ethr;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr did update</c>: one change to a did:ethr in the ERC-1056 registry, sent by the DID's key or relayed as a meta-transaction.</summary>
internal static class DidUpdateCommand
{
    public static Command Create(CliContext context, Option<string> walletOption)
    {
        var did = new Argument<string>("did") { Description = "The did:ethr to change; its secp256k1 key must be in the wallet and still own it." };
        var addDelegate = new Option<string>("--add-delegate") { Description = "Add a delegate (an address)." };
        var revokeDelegate = new Option<string>("--revoke-delegate") { Description = "Revoke a delegate (an address)." };
        var delegateType = new Option<string>("--delegate-type") { Description = "The delegate type.", DefaultValueFactory = _ => "veriKey" };
        delegateType.AcceptOnlyFromAmong("veriKey", "sigAuth", "anchor");
        var addKey = new Option<string>("--add-key") { Description = "Publish a public key (Multikey text) as a did/pub attribute." };
        var purpose = new Option<string>("--purpose") { Description = "What a published key is for.", DefaultValueFactory = _ => "veriKey" };
        purpose.AcceptOnlyFromAmong("veriKey", "sigAuth", "enc");
        var revokeKey = new Option<string>("--revoke-key") { Description = "Revoke a published key (Multikey text, with the --purpose it was published with)." };
        var addService = new Option<string>("--add-service") { Description = "Publish a service of this type (with --endpoint). Never put patient data here: it is public forever." };
        var revokeService = new Option<string>("--revoke-service") { Description = "Revoke a published service of this type (with the --endpoint it was published with)." };
        var endpoint = CliContext.HttpUrlOption("--endpoint", "The service endpoint URL.");
        var changeOwner = new Option<string>("--change-owner") { Description = "Hand the DID to another owner (an address)." };
        var deactivate = new Option<bool>("--deactivate") { Description = "Deactivate the DID for good (owner 0x0)." };
        var validity = new Option<ulong>("--validity") { Description = "Seconds a delegate or attribute stays valid.", DefaultValueFactory = _ => 365UL * 24 * 3600 };
        var relayFrom = new Option<string>("--relay-from") { Description = "Sign a meta-transaction with the DID's key and let this wallet DID's (funded) key send it." };
        var rpc = CliContext.HttpUrlOption("--rpc", "The chain's JSON-RPC URL (default: EHR_ETH_RPC, else the service's).");
        var chainId = new Option<ulong?>("--chain-id") { Description = "The chain id (default: EHR_CHAIN_ID, else the service's)." };
        var registry = new Option<string>("--registry") { Description = "The ERC-1056 registry (default: EHR_DID_REGISTRY, else the service's)." };
        var command = new Command("update", "Change a did:ethr: delegates, published keys, services, owner, deactivation.")
        {
            did, addDelegate, revokeDelegate, delegateType, addKey, revokeKey, purpose, addService, revokeService, endpoint, changeOwner, deactivate, validity, relayFrom, rpc, chainId, registry,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var changes = new object?[]
            {
                parse.GetValue(addDelegate), parse.GetValue(revokeDelegate), parse.GetValue(addKey), parse.GetValue(revokeKey), parse.GetValue(addService),
                parse.GetValue(revokeService), parse.GetValue(changeOwner), parse.GetValue(deactivate) ? true : null,
            };
            if (changes.Count(c => c is not null) != 1)
            {
                return await context.FailAsync(ExitCodes.UsageError, "give exactly one change: --add-delegate, --revoke-delegate, --add-key, --revoke-key, --add-service, --revoke-service, --change-owner or --deactivate");
            }

            try
            {
                if (!Did.TryParse(parse.GetValue(did), out var subject, out _) || !EthrIdentifier.TryParse(subject, out var identifier, out var reason))
                {
                    return await context.FailAsync(ExitCodes.UsageError, "the DID must be a did:ethr");
                }

                var change = BuildChange(parse, identifier.Address, new ChangeOptions(addDelegate, revokeDelegate, delegateType, addKey, revokeKey, purpose, addService, revokeService, endpoint, changeOwner, deactivate, validity));
                var chain = await ChainAsync(context, parse, rpc, chainId, registry, cancellationToken);
                using var client = new EthereumRpcClient(chain.Rpc);
                if (await client.GetChainIdAsync(cancellationToken) != chain.ChainId)
                {
                    return await context.FailAsync(ExitCodes.UsageError, $"the node at {EthereumRpcClient.DescribeEndpoint(chain.Rpc)} is not chain {chain.ChainId}");
                }

                var ownerSecret = WalletKeys.Secp256k1Secret(context, parse.GetValue(walletOption), subject.ToString());
                try
                {
                    var relayer = parse.GetValue(relayFrom);
                    byte[] data;
                    byte[] senderSecret;
                    if (relayer is null)
                    {
                        data = change.Direct;
                        senderSecret = (byte[])ownerSecret.Clone();
                    }
                    else
                    {
                        var erc1056 = new EthereumDidRegistry(client, chain.Registry);
                        using var owner = new EthereumSigningKey(ownerSecret);
                        var nonce = await erc1056.NonceAsync(owner.Address, BlockTag.Latest, cancellationToken);
                        data = change.Signed(owner.SignRecoverable(change.Hash(erc1056, nonce)));
                        senderSecret = WalletKeys.Secp256k1Secret(context, parse.GetValue(walletOption), relayer);
                    }

                    using var sender = new TransactionSender(client, chain.ChainId, senderSecret);
                    CryptographicOperations.ZeroMemory(senderSecret);
                    var receipt = await sender.SendAsync(chain.Registry, data, cancellationToken: cancellationToken);
                    if (!receipt.Succeeded)
                    {
                        return await context.FailAsync(ExitCodes.CheckFailed, $"the registry refused the change (transaction {receipt.TransactionHash})");
                    }

                    await context.Output.WriteLineAsync(parse.GetValue(context.Json)
                        ? new JsonObject { ["did"] = subject.ToString(), ["transaction"] = receipt.TransactionHash, ["block"] = receipt.BlockNumber, ["sender"] = sender.Account.ToChecksumString() }.ToJsonString()
                        : $"{subject} changed in block {receipt.BlockNumber} (transaction {receipt.TransactionHash}); resolve with --version-id {receipt.BlockNumber}");
                    return ExitCodes.Success;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(ownerSecret);
                }
            }
            catch (CliException e)
            {
                return await context.FailAsync(e.ExitCode, e.Message);
            }
            catch (Identity.Wallets.WalletException e)
            {
                return await context.FailAsync(ExitCodes.UsageError, e.Message);
            }
            catch (EthereumRpcException e)
            {
                return await context.FailAsync(e.Kind is RpcErrorKind.Reverted or RpcErrorKind.InsufficientFunds ? ExitCodes.CheckFailed : ExitCodes.Unavailable, e.Message);
            }
        });
        return command;
    }

    private sealed record Change(byte[] Direct, Func<EthereumDidRegistry, BigInteger, byte[]> Hash, Func<byte[], byte[]> Signed);

    private sealed record Chain(Uri Rpc, ulong ChainId, Address Registry);

    private sealed record ChangeOptions(
        Option<string> AddDelegate, Option<string> RevokeDelegate, Option<string> DelegateType, Option<string> AddKey, Option<string> RevokeKey,
        Option<string> Purpose, Option<string> AddService, Option<string> RevokeService, Option<Uri> Endpoint, Option<string> ChangeOwner,
        Option<bool> Deactivate, Option<ulong> Validity);

    private static Change BuildChange(ParseResult parse, Address identity, ChangeOptions o)
    {
        var seconds = new BigInteger(parse.GetValue(o.Validity));
        var type = parse.GetValue(o.DelegateType)!;
        if (parse.GetValue(o.AddDelegate) is { } added)
        {
            var address = ParseAddress(added, "--add-delegate");
            return new(EthereumDidRegistry.AddDelegateCall(identity, type, address, seconds),
                (r, n) => r.AddDelegateHash(n, identity, type, address, seconds),
                s => EthereumDidRegistry.AddDelegateSignedCall(identity, s, type, address, seconds));
        }

        if (parse.GetValue(o.RevokeDelegate) is { } revoked)
        {
            var address = ParseAddress(revoked, "--revoke-delegate");
            return new(EthereumDidRegistry.RevokeDelegateCall(identity, type, address),
                (r, n) => r.RevokeDelegateHash(n, identity, type, address),
                s => EthereumDidRegistry.RevokeDelegateSignedCall(identity, s, type, address));
        }

        // Attributes: a published key or service is set with a validity, and revoked by naming the same name and value.
        (string Name, byte[] Value)? attribute = null;
        var revoke = false;
        if (parse.GetValue(o.AddKey) is { } addKey)
        {
            attribute = KeyName(addKey, parse.GetValue(o.Purpose)!, "--add-key");
        }
        else if (parse.GetValue(o.RevokeKey) is { } revokeKey)
        {
            (attribute, revoke) = (KeyName(revokeKey, parse.GetValue(o.Purpose)!, "--revoke-key"), true);
        }
        else if (parse.GetValue(o.AddService) is { } addService)
        {
            attribute = ServiceName(addService, parse.GetValue(o.Endpoint), "--add-service");
        }
        else if (parse.GetValue(o.RevokeService) is { } revokeService)
        {
            (attribute, revoke) = (ServiceName(revokeService, parse.GetValue(o.Endpoint), "--revoke-service"), true);
        }

        if (attribute is { } found)
        {
            var (name, value) = found;
            return revoke
                ? new(EthereumDidRegistry.RevokeAttributeCall(identity, name, value),
                    (r, n) => r.RevokeAttributeHash(n, identity, name, value),
                    s => EthereumDidRegistry.RevokeAttributeSignedCall(identity, s, name, value))
                : new(EthereumDidRegistry.SetAttributeCall(identity, name, value, seconds),
                    (r, n) => r.SetAttributeHash(n, identity, name, value, seconds),
                    s => EthereumDidRegistry.SetAttributeSignedCall(identity, s, name, value, seconds));
        }

        var newOwner = parse.GetValue(o.Deactivate) ? Address.Zero : ParseAddress(parse.GetValue(o.ChangeOwner)!, "--change-owner");
        return new(EthereumDidRegistry.ChangeOwnerCall(identity, newOwner),
            (r, n) => r.ChangeOwnerHash(n, identity, newOwner),
            s => EthereumDidRegistry.ChangeOwnerSignedCall(identity, s, newOwner));
    }

    /// <summary>The attribute of a published key: <c>did/pub/&lt;Algorithm&gt;/&lt;purpose&gt;/hex</c> with the raw key bytes.</summary>
    private static (string Name, byte[] Value) KeyName(string multikey, string purpose, string option)
    {
        if (!PublicKey.TryImportMultikey(multikey, out var key, out var error))
        {
            throw new CliException(ExitCodes.UsageError, $"{option}: {error.Describe()}");
        }

        var algorithm = key.Type switch
        {
            KeyType.Ed25519 => "Ed25519",
            KeyType.X25519 => "X25519",
            KeyType.Secp256k1 => "Secp256k1",
            _ => throw new CliException(ExitCodes.UsageError, $"{option} takes an Ed25519, X25519 or secp256k1 key"),
        };
        return ($"did/pub/{algorithm}/{purpose}/hex", key.Bytes.ToArray());
    }

    /// <summary>The attribute of a service: <c>did/svc/&lt;Type&gt;</c> with the endpoint URL as UTF-8.</summary>
    private static (string Name, byte[] Value) ServiceName(string type, Uri? endpoint, string option)
    {
        if (endpoint is null)
        {
            throw new CliException(ExitCodes.UsageError, $"{option} needs --endpoint");
        }

        if (!type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || type.Length is 0 or > 24)
        {
            throw new CliException(ExitCodes.UsageError, $"{option}: the type is letters, digits and _ (at most 24)");
        }

        return ($"did/svc/{type}", System.Text.Encoding.UTF8.GetBytes(endpoint.ToString()));
    }

    private static Address ParseAddress(string text, string option) =>
        Address.TryParse(text, out var address) ? address : throw new CliException(ExitCodes.UsageError, $"{option} must be an address: 0x and 40 hexadecimal digits");

    private static async Task<Chain> ChainAsync(CliContext context, ParseResult parse, Option<Uri> rpc, Option<ulong?> chainId, Option<string> registry, CancellationToken cancellationToken)
    {
        var url = parse.GetValue(rpc) ?? (Uri.TryCreate(context.Environment("EHR_ETH_RPC"), UriKind.Absolute, out var e) ? e : null);
        var id = parse.GetValue(chainId) ?? (ulong.TryParse(context.Environment("EHR_CHAIN_ID"), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null);
        var registryText = parse.GetValue(registry) ?? context.Environment("EHR_DID_REGISTRY");
        if (url is null || id is null || registryText is null)
        {
            // Ask the running service which chain and registry it uses.
            if (context.ServiceUrl(parse, out _) is { } service
                && (await ServiceHealth.FetchAsync(context, service, TimeSpan.FromSeconds(5), cancellationToken)).Report?["chain"] is JsonObject chain)
            {
                url ??= CliContext.IsHttpUrl(chain["rpc"]?.ToString(), out var r) ? r : null;
                id ??= chain["chainId"] is JsonValue c && c.TryGetValue<ulong>(out var value) ? value : null;
                registryText ??= chain["contracts"]?["didRegistry"]?.ToString();
            }
        }

        if (url is null || !EthereumRpcClient.IsHttpUrl(url) || id is null || registryText is null || !Address.TryParse(registryText, out var registryAddress))
        {
            throw new CliException(ExitCodes.UsageError, "give --rpc, --chain-id and --registry (or EHR_ETH_RPC, EHR_CHAIN_ID, EHR_DID_REGISTRY), or run the service so they can be asked");
        }

        return new Chain(url, id.Value, registryAddress);
    }
}
