using IdentityEhr.Embedded;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Storage;

namespace IdentityEhr.Api.Health;

/// <summary>Probes the database and the chain, each within a bounded time.</summary>
internal sealed class HealthReporter(
    Infrastructure infrastructure, Log.AuditLogService log, Log.AuditLogOptions logOptions, Log.AnchoringService anchoring, Log.AnchoringOptions anchoringOptions,
    TimeProvider time)
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> ReportAsync(CancellationToken cancellationToken)
    {
        var database = ProbeDatabaseAsync(cancellationToken);
        var chain = ProbeChainAsync(cancellationToken);
        var integrator = IntegratorAsync(cancellationToken);
        await Task.WhenAll(database, chain, integrator);
        var healthy = database.Result.Status == "up" && chain.Result.Status == "up";
        return new HealthReport(healthy ? "healthy" : "unhealthy", database.Result, chain.Result, integrator.Result, Anchoring());
    }

    private async Task<IntegratorHealth> IntegratorAsync(CancellationToken cancellationToken)
    {
        var lastCut = log.LastCheckpointAt is { } at ? Math.Round((time.GetUtcNow() - at).TotalSeconds, 3) : (double?)null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_probeTimeout);
        try
        {
            var store = log.Store;
            var tree = await store.Log.GetTreeStateAsync(timeout.Token);
            var checkpoint = await store.Log.LatestCheckpointAsync(timeout.Token);
            var projected = await store.Projections.PositionAsync(Storage.Projections.AccessHistoryProjector.Name, timeout.Token);
            var checkpointSize = checkpoint?.Checkpoint.TreeSize ?? 0;
            var behind = (ulong)Math.Max(0, (long)tree.TreeSize - 1 - projected);
            var current = (checkpointSize == tree.TreeSize || lastCut < logOptions.CheckpointInterval.TotalSeconds * 3)
                && behind <= (ulong)Math.Max(1000, 1000 * logOptions.CheckpointInterval.TotalSeconds);
            return new IntegratorHealth(current ? "current" : "lagging", tree.TreeSize, checkpointSize, lastCut, behind);
        }
        catch (Exception e) when (e is StorageException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new IntegratorHealth("unknown", 0, 0, lastCut, 0);
        }
    }

    private AnchoringHealth Anchoring()
    {
        if (anchoring.Anchorer is not { } anchorer)
        {
            return new AnchoringHealth("off", anchoring.ServiceDid, null, 0, 0, 0, null, anchoring.Disabled);
        }

        var state = anchorer.State;
        var lag = state.Lag(time.GetUtcNow());
        var status = state.LastError is not null ? "failing"
            : state.Standby ? "standby"
            : lag > anchoringOptions.Period * 1.5 + anchoringOptions.PollInterval * 2 ? "lagging" : "current";
        return new AnchoringHealth(
            status, anchoring.ServiceDid, anchorer.Account.ToString(), state.TreeSize, state.AnchoredTreeSize, Math.Round(lag.TotalSeconds, 3), state.InFlight, state.LastError);
    }

    private async Task<DatabaseHealth> ProbeDatabaseAsync(CancellationToken cancellationToken)
    {
        var endpoint = infrastructure.Database;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_probeTimeout);
        try
        {
            var info = await PostgresServer.ProbeAsync(endpoint.ConnectionString, timeout.Token);
            return new DatabaseHealth("up", endpoint.IsEmbedded, $"PostgreSQL {info.ServerVersion}", info.Host, info.Port, info.Database, Error: null);
        }
        catch (DatabaseUnavailableException e)
        {
            return new DatabaseHealth("down", endpoint.IsEmbedded, null, null, null, null, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DatabaseHealth("down", endpoint.IsEmbedded, null, null, null, null, $"no answer within {s_probeTimeout.TotalSeconds:0} s");
        }
    }

    private async Task<ChainHealth> ProbeChainAsync(CancellationToken cancellationToken)
    {
        var endpoint = infrastructure.Chain;
        var rpc = EthereumRpcClient.DescribeEndpoint(endpoint.Rpc);
        var contracts = endpoint.Contracts is { } c
            ? new ContractsHealth(c.DidRegistry.ToString(), c.AuditAnchor.ToString(), c.ServiceIdentity.ToString())
            : null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_probeTimeout);
        using var client = new EthereumRpcClient(endpoint.Rpc);
        try
        {
            var chainId = await client.GetChainIdAsync(timeout.Token);
            if (chainId != endpoint.ChainId)
            {
                return new ChainHealth("down", endpoint.IsEmbedded, endpoint.ChainId, rpc, null, contracts,
                    $"the node now reports chain id {chainId}");
            }

            var block = await client.GetBlockNumberAsync(timeout.Token);
            return new ChainHealth("up", endpoint.IsEmbedded, chainId, rpc, block, contracts, Error: null);
        }
        catch (EthereumException e)
        {
            return new ChainHealth("down", endpoint.IsEmbedded, endpoint.ChainId, rpc, null, contracts, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ChainHealth("down", endpoint.IsEmbedded, endpoint.ChainId, rpc, null, contracts, $"no answer within {s_probeTimeout.TotalSeconds:0} s");
        }
    }
}
