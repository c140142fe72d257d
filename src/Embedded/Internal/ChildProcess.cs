using System.Diagnostics;

namespace IdentityEhr.Embedded.Internal;

/// <summary>A server process this library started and must stop.</summary>
/// <remarks>
/// It runs in its own session (setsid), so a Ctrl-C at the terminal reaches only our process, which then stops the children
/// in order. When a user is given, setpriv drops to it first; both exec, so the pid is the server's own.
/// </remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _tail = new(40);
    private readonly Action<string>? _onLine;
    private readonly StreamWriter? _log;
    private readonly Lock _logGate = new();

    private ChildProcess(Process process, Action<string>? onLine, StreamWriter? log)
    {
        _process = process;
        _onLine = onLine;
        _log = log;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> LastLines => _tail.Lines();

    public Task Exited => _process.WaitForExitAsync();

    public static ChildProcess Start(
        string executable, IEnumerable<string> arguments, SystemUser? runAs, Action<string>? onLine, string? logFile)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--");
        if (runAs is not null)
        {
            start.ArgumentList.Add("setpriv");
            start.ArgumentList.Add($"--reuid={runAs.Uid}");
            start.ArgumentList.Add($"--regid={runAs.Gid}");
            start.ArgumentList.Add("--init-groups");
            start.ArgumentList.Add("--");
        }

        start.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process, onLine, log);
        process.OutputDataReceived += (_, e) => child.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => child.Receive(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            log?.Dispose();
            throw;
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(
        string executable, IEnumerable<string> arguments, SystemUser? runAs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var child = Start(executable, arguments, runAs, onLine: null, logFile: null);
        await using (child.ConfigureAwait(false))
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            try
            {
                await child._process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await child.StopAsync(Posix.SigKill, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                return (-1, [.. child.LastLines, $"(timed out after {timeout.TotalSeconds:0} s)"]);
            }

            // Let the output readers drain before reading the tail.
            await child._process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (child._process.ExitCode, child.LastLines);
        }
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills.</summary>
    /// <returns><see langword="true"/> when the process ended on the signal; <see langword="false"/> when it had to be killed.</returns>
    public async Task<bool> StopAsync(int signal, TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return true;
        }

        Posix.Signal(_process.Id, signal);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            Posix.Signal(_process.Id, Posix.SigKill);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(Posix.SigKill, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Add(line);
        if (_log is not null)
        {
            lock (_logGate)
            {
                _log.WriteLine(line);
            }
        }

        _onLine?.Invoke(line);
    }
}
