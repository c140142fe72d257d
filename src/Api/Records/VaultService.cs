using IdentityEhr.Api.Log;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Api.Records;

/// <summary>
/// Opens the record vault on the audit log's event store when the service starts, and refuses to start when stored records
/// are wrapped by a custody key the configured key file does not hold (a wrong or lost key file), rather than fail per read.
/// </summary>
internal sealed partial class VaultService(AuditLogService log, VaultOptions options, TimeProvider time, ILogger<VaultService> logger) : IHostedService
{
    private RecordVault? _vault;

    /// <summary>Gets the open vault.</summary>
    /// <exception cref="InvalidOperationException">The service has not started.</exception>
    public RecordVault Vault => _vault ?? throw new InvalidOperationException("The record vault has not started.");

    /// <summary>Gets the event store under the vault (its registry of patients and providers included).</summary>
    public Storage.EventStore Store => log.Store;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var vault = new RecordVault(log.Store, new RecordVaultOptions { CustodyKeys = options.Keys, BlobDirectory = options.BlobDirectory, TimeProvider = time });
        var missing = await vault.UnheldCustodyKeysAsync(cancellationToken);
        if (missing.Count == 0 && options.Keys.Ids.Count > 1 && options.KeyFile is not null)
        {
            // A rotation was begun (`ehr vault rotate-key` wrote the next key beside the file) or interrupted: finish it before
            // serving, so every data key is wrapped by the next key and the old key file is cleared.
            var rewrapped = await vault.RotateCustodyKeyAsync(options.Keys.Current, cancellationToken);
            CustodyKeyFile.CompleteRotation(options.KeyFile);
            LogRotated(logger, options.Keys.Current.Id, rewrapped);
        }

        Refuse(missing, options);

        _vault = vault;
        if (options.BlobDirectory is not null)
        {
            // Files no version names: left by stores whose commit failed or erasures that could not delete them.
            await vault.SweepAsync(TimeSpan.FromHours(1), cancellationToken);
        }

        LogStarted(logger, options.Keys.Current.Id, options.BlobDirectory ?? "PostgreSQL");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The start check on its own, for the service's entry point to make before the host starts (so a wrong key file ends in one
    /// line, with nothing started): stored rows must name only keys the key file holds.
    /// </summary>
    /// <exception cref="ServiceStartException">A row names a custody key the file does not hold.</exception>
    public static async Task CheckKeysAsync(Storage.EventStore store, VaultOptions options, CancellationToken cancellationToken)
    {
        var vault = new RecordVault(store, new RecordVaultOptions { CustodyKeys = options.Keys });
        Refuse(await vault.UnheldCustodyKeysAsync(cancellationToken), options);
    }

    private static void Refuse(IReadOnlyList<string> missing, VaultOptions options)
    {
        if (missing.Count > 0)
        {
            throw new ServiceStartException(
                $"{VaultOptions.KeyFileVariable}: stored records are wrapped by custody key {string.Join(", ", missing)}, which {options.KeyFile ?? "the ephemeral key"} " +
                $"does not hold ({string.Join(", ", options.Keys.Ids)}); start with the key file that wrapped them");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Custody key rotation finished: {Rewrapped} data keys rewrapped with {KeyId}; the old key file is cleared")]
    private static partial void LogRotated(ILogger logger, string keyId, int rewrapped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Record vault open: custody key {KeyId}, ciphertexts in {Backend}")]
    private static partial void LogStarted(ILogger logger, string keyId, string backend);
}
