using System.Security.Cryptography;
using IdentityEhr.Embedded.Internal;
using IdentityEhr.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IdentityEhr.Embedded;

/// <summary>A private PostgreSQL cluster, started from the machine's PostgreSQL binaries on a free loopback port.</summary>
/// <remarks>
/// Listens on 127.0.0.1 only, with no Unix socket, and requires a SCRAM password that is generated at <c>initdb</c> and kept
/// in the cluster's folder (mode 0600). When this process runs as root, the server runs as the <c>postgres</c> system user,
/// because PostgreSQL refuses to run as root.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The cluster's superuser role.</summary>
    public const string SuperUser = "ehr";

    private const string PasswordFile = "superuser.password";
    private const int BindAttempts = 3;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _server;
    private readonly ProcessLedger _ledger;
    private readonly PostgresClusterOptions _options;
    private readonly ILogger _logger;
    private int _stopped;

    private PostgresCluster(
        ChildProcess server, ProcessLedger ledger, PostgresClusterOptions options, int port, string connectionString,
        string serverVersion, ILogger logger)
    {
        _server = server;
        _ledger = ledger;
        _options = options;
        _logger = logger;
        Port = port;
        ConnectionString = connectionString;
        ServerVersion = serverVersion;
    }

    /// <summary>Gets the TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets a connection string for the superuser to the <c>postgres</c> database. It holds the password.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the server's version, for example <c>15.18</c>.</summary>
    public string ServerVersion { get; }

    /// <summary>Gets the cluster's folder.</summary>
    public string Directory => _options.Directory;

    /// <summary>Initializes the cluster when its folder is new, starts the server and waits until it accepts connections.</summary>
    /// <param name="options">Where and how to run.</param>
    /// <param name="logger">Receives progress messages, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start; the server is stopped again.</param>
    /// <returns>The running cluster.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InfrastructureException">The binaries are missing or the server did not start.</exception>
    public static async Task<PostgresCluster> StartAsync(
        PostgresClusterOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var bin = LocalTools.FindPostgresBinDirectory(options.BinDirectory);
        var runAs = ServerUser(options.Directory);
        var directory = Path.GetFullPath(options.Directory);
        var ledger = ProcessLedger.Claim(directory);
        var dataDirectory = Path.Combine(directory, "data");
        try
        {
            if (runAs is not null)
            {
                Posix.ChangeOwner(directory, runAs);
            }

            var password = await InitializeAsync(bin, directory, dataDirectory, runAs, options.Persistent, logger, cancellationToken)
                .ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                var port = options.Port ?? FreePort.Find();
                var server = ChildProcess.Start(
                    Path.Combine(bin, "postgres"), ServerArguments(dataDirectory, port, options.Persistent), runAs,
                    onLine: null, logFile: Path.Combine(directory, "postgres.log"));
                ledger.RecordChild(server.Id);
                var connectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = SuperUser,
                    Password = password,
                    Database = "postgres",
                    Timeout = 5,
                }.ConnectionString;
                try
                {
                    var info = await WaitUntilReadyAsync(server, connectionString, cancellationToken).ConfigureAwait(false);
                    Log.PostgresStarted(logger, info.ServerVersion, directory, port);
                    return new PostgresCluster(server, ledger, options with { Directory = directory }, port, connectionString, info.ServerVersion, logger);
                }
                catch (PortTakenException) when (attempt < BindAttempts && options.Port is null)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                }
                catch
                {
                    await server.StopAsync(Posix.SigQuit, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                    await server.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch
        {
            ledger.Release();
            if (!options.Persistent)
            {
                ProcessLedger.TryDeleteDirectory(directory);
            }

            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown) and, for a cluster that is not persistent, deletes its folder.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
        if (!await _server.StopAsync(Posix.SigInt, TimeSpan.FromSeconds(30)).ConfigureAwait(false))
        {
            Log.PostgresKilled(_logger, Directory);
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        _ledger.Release();
        if (!_options.Persistent)
        {
            ProcessLedger.TryDeleteDirectory(Directory);
        }
    }

    private static SystemUser? ServerUser(string directory)
    {
        if (!Posix.IsRoot)
        {
            return null;
        }

        var user = SystemUser.Find("postgres")
            ?? throw new InfrastructureConfigurationException(
                "running as root needs the 'postgres' system user to run the server: install Debian's 'postgresql' package, or set EHR_POSTGRES");

        // The server runs as that user, so it must be able to walk down to the cluster's folder.
        for (var d = System.IO.Directory.GetParent(Path.GetFullPath(directory)); d is not null; d = d.Parent)
        {
            if (!OperatingSystem.IsWindows() && d.Exists && (d.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                throw new InfrastructureConfigurationException(
                    $"the 'postgres' user cannot enter {d.FullName} to reach {directory}: choose a data folder (EHR_DATA_DIR) that others may traverse, such as one under /var/tmp");
            }
        }

        return user;
    }

    private static async Task<string> InitializeAsync(
        string bin, string directory, string dataDirectory, SystemUser? runAs, bool persistent, ILogger logger,
        CancellationToken cancellationToken)
    {
        var passwordPath = Path.Combine(directory, PasswordFile);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return File.Exists(passwordPath)
                ? (await File.ReadAllTextAsync(passwordPath, cancellationToken).ConfigureAwait(false)).Trim()
                : throw new InfrastructureStartupException(
                    $"the cluster in {dataDirectory} has no {PasswordFile} beside it; move the folder away to start afresh");
        }

        ProcessLedger.TryDeleteDirectory(dataDirectory);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        await WritePrivateFileAsync(passwordPath, password, owner: null, cancellationToken).ConfigureAwait(false);

        // initdb reads the password from a file that its (possibly different) user can read; removed right after.
        var passwordForInitdb = Path.Combine(directory, "initdb.password");
        await WritePrivateFileAsync(passwordForInitdb, password, runAs, cancellationToken).ConfigureAwait(false);
        try
        {
            Log.PostgresInitializing(logger, dataDirectory);
            string[] arguments =
            [
                "-D", dataDirectory, "-U", SuperUser, $"--pwfile={passwordForInitdb}", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C", .. persistent ? Array.Empty<string>() : ["--no-sync"],
            ];
            var (exitCode, output) = await ChildProcess.RunAsync(
                Path.Combine(bin, "initdb"), arguments, runAs, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new InfrastructureStartupException(
                    $"initdb failed in {dataDirectory} (exit {exitCode}): {LastMeaningfulLine(output)}");
            }
        }
        finally
        {
            File.Delete(passwordForInitdb);
        }

        return password;
    }

    private static async Task WritePrivateFileAsync(string path, string content, SystemUser? owner, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content + "\n"), cancellationToken).ConfigureAwait(false);
        }

        if (owner is not null)
        {
            Posix.ChangeOwner(path, owner);
        }
    }

    private static string[] ServerArguments(string dataDirectory, int port, bool persistent)
    {
        string[] common =
        [
            "-D", dataDirectory, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "logging_collector=off",
        ];

        // A throwaway test cluster needs no crash safety; skipping fsync makes each commit far cheaper.
        string[] throwaway = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        return persistent ? common : [.. common, .. throwaway];
    }

    private static async Task<DatabaseServerInfo> WaitUntilReadyAsync(
        ChildProcess server, string connectionString, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (server.HasExited)
            {
                var lines = server.LastLines;
                if (lines.Any(l => l.Contains("could not bind", StringComparison.Ordinal) || l.Contains("Address already in use", StringComparison.Ordinal)))
                {
                    throw new PortTakenException();
                }

                throw new InfrastructureStartupException($"PostgreSQL exited while starting: {LastMeaningfulLine(lines)}");
            }

            try
            {
                return await PostgresServer.ProbeAsync(connectionString, cancellationToken).ConfigureAwait(false);
            }
            catch (DatabaseUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (DatabaseUnavailableException e)
            {
                throw new InfrastructureStartupException(
                    $"PostgreSQL did not accept connections within {s_startTimeout.TotalSeconds:0} s: {e.Message}", e);
            }
        }
    }

    private static string LastMeaningfulLine(IReadOnlyList<string> lines) =>
        lines.LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase))
        ?? lines.LastOrDefault(l => l.Length > 0)
        ?? "no output";

    private sealed class PortTakenException : Exception;
}
