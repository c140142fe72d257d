using System.Globalization;
using IdentityEhr.AuditLog.Anchoring;
using IdentityEhr.Embedded;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Api.Log;

/// <summary>
/// Hosts the <see cref="Anchorer"/>: anchors the log's checkpoints on the service's chain from its did:ethr identity. On the
/// embedded chain it first provisions the identity (the anchor account as an <c>anchor</c> delegate, the log key in the DID
/// document, funds); on a configured chain it checks both and says what is missing.
/// </summary>
internal sealed partial class AnchoringService(
    Infrastructure infrastructure, AuditLogService log, AuditLogOptions logOptions, AnchoringOptions options, DidResolver resolver,
    TimeProvider time, ILogger<AnchoringService> logger) : BackgroundService
{
    private EthereumRpcClient? _client;

    /// <summary>Gets the running anchorer, or <see langword="null"/> when anchoring is off or not possible.</summary>
    public Anchorer? Anchorer { get; private set; }

    /// <summary>Gets why anchoring is not running, or <see langword="null"/>.</summary>
    public string? Disabled { get; private set; }

    /// <summary>Gets the service's DID, when the chain has the contracts.</summary>
    public string? ServiceDid => infrastructure.Chain.Contracts is { } contracts
        ? $"did:ethr:0x{infrastructure.Chain.ChainId.ToString("x", CultureInfo.InvariantCulture)}:{contracts.ServiceIdentity}"
        : null;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            Disabled = $"{AnchoringOptions.EnabledVariable}=off";
        }
        else if (infrastructure.Chain.Contracts is not { } contracts)
        {
            Disabled = $"no anchor contract on chain {infrastructure.Chain.ChainId}: set {EhrSettings.DidRegistryVariable} and {EhrSettings.AuditAnchorVariable}";
        }
        else
        {
            _client = new EthereumRpcClient(infrastructure.Chain.Rpc);
            var anchorer = new Anchorer(log.Store.Log.Anchors, _client, options.Key, new AnchorerOptions
            {
                ServiceDid = ServiceDid!,
                ChainId = infrastructure.Chain.ChainId,
                Contract = contracts.AuditAnchor,
                Period = options.Period,
                PollInterval = options.PollInterval,
                StuckAfter = options.StuckAfter,
                Finality = options.Finality,
                MaximumFeePerGas = new System.Numerics.BigInteger(options.MaxFeeGwei) * 1_000_000_000,
            }, time);
            Anchorer = anchorer;
            LogAnchoring(logger, ServiceDid!, anchorer.Account, contracts.AuditAnchor, options.Period.TotalSeconds, options.Finality);
        }

        if (Disabled is not null)
        {
            LogDisabled(logger, Disabled);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Anchorer is not { } anchorer)
        {
            return;
        }

        // Here, not in StartAsync: the service answers (and appends) while the chain is asked, however slow it is.
        try
        {
            await PrepareIdentityAsync(infrastructure.Chain.Contracts!, anchorer.Account, stoppingToken);
        }
        catch (EthereumException e)
        {
            // The chain may come later; the anchorer reports its own failures every round.
            LogPreparationFailed(logger, e.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        await anchorer.RunAsync(Report, stoppingToken);
    }

    public override void Dispose()
    {
        Anchorer?.Dispose();
        _client?.Dispose();
        base.Dispose();
    }

    private void Report(AnchorTick? tick, Exception? error)
    {
        if (error is not null)
        {
            LogRoundFailed(logger, error.Message);
            return;
        }

        foreach (var transaction in tick!.Submitted)
        {
            LogSubmitted(logger, transaction);
        }

        foreach (var transaction in tick.Confirmed)
        {
            LogConfirmed(logger, transaction);
        }

        foreach (var transaction in tick.Reorged)
        {
            LogReorged(logger, transaction);
        }
    }

    private async Task PrepareIdentityAsync(DeployedContracts contracts, Address account, CancellationToken cancellationToken)
    {
        var did = ServiceDid!;
        var resolution = await resolver.ResolveAsync(did, cancellationToken: cancellationToken);
        var published = resolution.DidDocument?.MethodsFor(VerificationRelationship.AssertionMethod)
            .Select(m => m.TryGetPublicKey(out var key, out _) && key.Type == KeyType.Ed25519 ? key.Bytes.ToArray() : null)
            .OfType<byte[]>()
            .Select(b => (ReadOnlyMemory<byte>)b)
            .ToList() ?? [];
        var logKey = logOptions.Signer.VerifierKey.PublicKey.Bytes.ToArray();
        if (infrastructure.Chain.IsEmbedded)
        {
            await DevelopmentDeployer.ProvisionAnchoringAsync(_client!, contracts.DidRegistry, contracts.ServiceIdentity, account, logKey, published, cancellationToken);
            return;
        }

        // A configured chain: the operator authorises the account and publishes the key (README, "Anchoring on a real chain").
        var registry = new EthereumDidRegistry(_client!, contracts.DidRegistry);
        if (!await AuditAnchorContract.MayAnchorAsync(registry, contracts.ServiceIdentity, account, BlockTag.Latest, cancellationToken))
        {
            LogNotAuthorised(logger, account, did);
        }

        if (!published.Any(k => k.Span.SequenceEqual(logKey)))
        {
            LogKeyNotPublished(logger, did, Convert.ToBase64String(logKey));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchoring as {ServiceDid} from {Account} to {Contract} every {PeriodSeconds} s when the log grew; final at {Finality}")]
    private static partial void LogAnchoring(ILogger logger, string serviceDid, Address account, Address contract, double periodSeconds, AnchorFinality finality);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchoring is off: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prepare the service identity for anchoring yet: {Reason}")]
    private static partial void LogPreparationFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor account {Account} is neither the owner nor an 'anchor' delegate of {ServiceDid}: anchors will revert until it is added (ehr did update … --add-delegate)")]
    private static partial void LogNotAuthorised(ILogger logger, Address account, string serviceDid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ServiceDid} does not publish the log key (Ed25519 {PublicKey}) as did/pub/Ed25519/veriKey/base64: auditors cannot check checkpoints from the DID document")]
    private static partial void LogKeyNotPublished(ILogger logger, string serviceDid, string publicKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchoring round failed (retrying): {Reason}")]
    private static partial void LogRoundFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchor submitted: {Transaction}")]
    private static partial void LogSubmitted(ILogger logger, string transaction);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchor confirmed: {Transaction}")]
    private static partial void LogConfirmed(ILogger logger, string transaction);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor will not count (reorganised, reverted or dropped), anchoring again: {Transaction}")]
    private static partial void LogReorged(ILogger logger, string transaction);
}
