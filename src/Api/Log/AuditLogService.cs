using IdentityEhr.Embedded;
using IdentityEhr.Storage;

namespace IdentityEhr.Api.Log;

/// <summary>
/// Opens the event store when the service starts (applying schema migrations), and cuts a signed checkpoint every interval
/// while the tree grows; on shutdown it finishes queued appends and cuts a last checkpoint.
/// </summary>
internal sealed partial class AuditLogService(Infrastructure infrastructure, AuditLogOptions options, TimeProvider time, ILogger<AuditLogService> logger) : BackgroundService
{
    private EventStore? _store;

    /// <summary>Gets the open event store.</summary>
    /// <exception cref="InvalidOperationException">The service has not started.</exception>
    public EventStore Store => _store ?? throw new InvalidOperationException("The audit log has not started.");

    private long _lastCheckpointTicks;

    /// <summary>Gets when this instance last cut (or found current) a checkpoint, for <c>/health</c>.</summary>
    public DateTimeOffset? LastCheckpointAt => Interlocked.Read(ref _lastCheckpointTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = await EventStore.OpenAsync(new EventStoreOptions { ConnectionString = infrastructure.Database.ConnectionString }, cancellationToken);

        // Serve a checkpoint from the first request on, even for an empty log.
        await _store.Log.CutCheckpointAsync(options.Signer, cancellationToken);
        Interlocked.Exchange(ref _lastCheckpointTicks, time.GetUtcNow().UtcTicks);
        LogStarted(logger, options.Origin, options.Signer.VerifierKey, options.CheckpointInterval.TotalMilliseconds);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The asynchronous projections follow the log on their own; checkpoints are cut on the timer. If either stops for a
        // reason other than shutdown (a stored entry that does not parse), the service stops rather than serve a stale view.
        var projector = Store.AccessHistory.RunAsync(stoppingToken);
        var checkpoints = CutOnTimerAsync(stoppingToken);
        await await Task.WhenAny(projector, checkpoints);
        await Task.WhenAll(projector, checkpoints);
    }

    private async Task CutOnTimerAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CutAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_store is { } store)
        {
            // Let queued appends commit, then sign a last checkpoint over them.
            await store.CompleteAsync();
            await CutAsync(cancellationToken);
            await store.DisposeAsync();
        }
    }

    private async Task CutAsync(CancellationToken cancellationToken)
    {
        try
        {
            var checkpoint = await Store.Log.CutCheckpointAsync(options.Signer, cancellationToken);
            Interlocked.Exchange(ref _lastCheckpointTicks, time.GetUtcNow().UtcTicks);
            if (checkpoint is not null)
            {
                LogCheckpoint(logger, checkpoint.Checkpoint.TreeSize);
            }
        }
        catch (StorageException e)
        {
            // The database is away; appends fail loudly on their own, and the next tick tries again.
            LogCheckpointFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log {Origin} open; checkpoints signed by {VerifierKey} every {IntervalMs} ms")]
    private static partial void LogStarted(ILogger logger, string origin, IdentityEhr.AuditLog.Notes.NoteVerifierKey verifierKey, double intervalMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Checkpoint signed at tree size {TreeSize}")]
    private static partial void LogCheckpoint(ILogger logger, ulong treeSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint not cut this time: {Reason}")]
    private static partial void LogCheckpointFailed(ILogger logger, string reason);
}
