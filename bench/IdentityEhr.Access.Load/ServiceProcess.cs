using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace IdentityEhr.Access.Load;

/// <summary>
/// The real service as a child process (<c>dotnet IdentityEhr.Api.dll --urls http://127.0.0.1:0</c>), on the database and chain the
/// load program started, so its memory and CPU are its own and can be read from <c>/proc</c>.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _errors = [];

    private ServiceProcess(Process process) => _process = process;

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public int Id => _process.Id;

    /// <summary>Starts the service and waits until it listens.</summary>
    public static async Task<ServiceProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Running().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (service._errors)
                {
                    if (service._errors.Count < 50)
                    {
                        service._errors.Add(line);
                    }
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(timeout));
        if (first != listening.Task)
        {
            var errors = service.Errors();
            await service.DisposeAsync();
            throw new InvalidOperationException($"the service did not start: {errors}");
        }

        service.Address = await listening.Task;
        return service;
    }

    /// <summary>The first lines the service wrote to standard error, if any.</summary>
    public string Errors()
    {
        lock (_errors)
        {
            return _errors.Count == 0 ? "(nothing on stderr)" : string.Join(" | ", _errors);
        }
    }

    /// <summary>The service's resident set (VmRSS) and its anonymous part (RssAnon), in KiB.</summary>
    public (long Rss, long Anonymous) Memory()
    {
        long rss = 0, anonymous = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kibibytes(line);
            }
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anonymous = Kibibytes(line);
            }
        }

        return (rss, anonymous);
    }

    public TimeSpan CpuTime() => Cpu.ProcessTime(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the host stops, the log finishes queued appends and signs a last checkpoint.
            _ = Kill(_process.Id, 15);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }

    private static long Kibibytes(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"is running at (http://[^\s]+)")]
    private static partial Regex Running();
}
