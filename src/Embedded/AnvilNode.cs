using System.Globalization;
using System.Text.RegularExpressions;
using IdentityEhr.Embedded.Internal;
using IdentityEhr.Ethereum.Rpc;
using Microsoft.Extensions.Logging;

namespace IdentityEhr.Embedded;

/// <summary>A local Ethereum node (anvil, from the pinned npm package) on a free loopback port.</summary>
public sealed partial class AnvilNode : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;
    private readonly ProcessLedger _ledger;
    private readonly AnvilNodeOptions _options;
    private int _stopped;

    private AnvilNode(ChildProcess process, ProcessLedger ledger, AnvilNodeOptions options, Uri rpc)
    {
        _process = process;
        _ledger = ledger;
        _options = options;
        Rpc = rpc;
    }

    /// <summary>Gets the node's JSON-RPC URL.</summary>
    public Uri Rpc { get; }

    /// <summary>Gets the chain id the node reports.</summary>
    public ulong ChainId => _options.ChainId;

    /// <summary>Gets the anvil process's id (fault-injection tests freeze it with SIGSTOP to play an unresponsive node).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts anvil and waits until it answers <c>eth_chainId</c> with the configured id.</summary>
    /// <param name="options">Where and how to run.</param>
    /// <param name="logger">Receives progress messages, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start; the node is stopped again.</param>
    /// <returns>The running node.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InfrastructureStartupException">anvil did not start or reports another chain id.</exception>
    public static async Task<AnvilNode> StartAsync(AnvilNodeOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var directory = Path.GetFullPath(options.Directory);
        var ledger = ProcessLedger.Claim(directory);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        List<string> arguments =
        [
            "--host", "127.0.0.1", "--port", "0",
            "--chain-id", options.ChainId.ToString(CultureInfo.InvariantCulture),
            "--mnemonic", DevelopmentChain.Mnemonic, "--accounts", "10", "--balance", "10000",
        ];
        if (options.Persistent)
        {
            arguments.AddRange(["--state", Path.Combine(directory, "state.json")]);
        }

        ChildProcess? process = null;
        try
        {
            // anvil prints its funded test keys on stdout: keep them out of any log file.
            process = ChildProcess.Start(options.Executable, arguments, runAs: null, onLine: line =>
            {
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    listening.TrySetResult(int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
                }
            }, logFile: null);
            ledger.RecordChild(process.Id);

            var finished = await Task.WhenAny(listening.Task, process.Exited, Task.Delay(s_startTimeout, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != listening.Task)
            {
                var why = process.HasExited
                    ? $"anvil exited while starting: {process.LastLines.LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal)) ?? "no error printed"}"
                    : $"anvil did not start listening within {s_startTimeout.TotalSeconds:0} s";
                throw new InfrastructureStartupException(why);
            }

            var rpc = new Uri($"http://127.0.0.1:{listening.Task.Result.ToString(CultureInfo.InvariantCulture)}/");
            using var client = new EthereumRpcClient(rpc);
            var chainId = await client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
            if (chainId != options.ChainId)
            {
                throw new InfrastructureStartupException($"anvil reports chain id {chainId}, expected {options.ChainId}");
            }

            Log.AnvilStarted(logger, EthereumRpcClient.DescribeEndpoint(rpc), chainId);
            return new AnvilNode(process, ledger, options with { Directory = directory }, rpc);
        }
        catch (Exception e) when (e is not InfrastructureException)
        {
            await CleanUpAsync(process, ledger, options.Persistent, directory).ConfigureAwait(false);
            if (e is EthereumRpcException rpcError)
            {
                throw new InfrastructureStartupException($"anvil started but does not answer: {rpcError.Message}", rpcError);
            }

            throw;
        }
        catch
        {
            await CleanUpAsync(process, ledger, options.Persistent, directory).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the node; a persistent node saves its state first.</summary>
    /// <returns>A task that completes when the node has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await CleanUpAsync(_process, _ledger, _options.Persistent, _options.Directory).ConfigureAwait(false);
    }

    private static async Task CleanUpAsync(ChildProcess? process, ProcessLedger ledger, bool persistent, string directory)
    {
        if (process is not null)
        {
            // SIGINT lets anvil write its --state file before it exits.
            await process.StopAsync(Posix.SigInt, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
        }

        ledger.Release();
        if (!persistent)
        {
            ProcessLedger.TryDeleteDirectory(directory);
        }
    }

    [GeneratedRegex(@"^Listening on 127\.0\.0\.1:(\d{1,5})\s*$")]
    private static partial Regex ListeningLine();
}
