using System.Diagnostics;
using System.Globalization;
using IdentityEhr.Embedded.Internal;

namespace IdentityEhr.Embedded.IntegrationTests;

public sealed class ProcessLedgerTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("ehr-ledger-").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        Directory.Delete(_base, recursive: true);
    }

    private Process StartSleeper()
    {
        var process = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        _processes.Add(process);
        return process;
    }

    private static string Record(int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"{pid} {Posix.StartTime(pid)}\n");

    [Fact]
    public async Task ReapAbandoned_stops_the_servers_of_a_dead_owner_and_deletes_its_folder()
    {
        var abandoned = Directory.CreateDirectory(Path.Combine(_base, "postgres-1-abandoned")).FullName;
        var server = StartSleeper();
        File.WriteAllText(Path.Combine(abandoned, "owner.pid"), "2147483646 1\n"); // no such process
        File.WriteAllText(Path.Combine(abandoned, "children.pid"), Record(server.Id));

        ProcessLedger.ReapAbandoned(_base);

        await server.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.False(Directory.Exists(abandoned));
    }

    [Fact]
    public void ReapAbandoned_leaves_the_folder_of_a_live_owner_alone()
    {
        var live = Directory.CreateDirectory(Path.Combine(_base, "anvil-2-live")).FullName;
        var owner = StartSleeper();
        File.WriteAllText(Path.Combine(live, "owner.pid"), Record(owner.Id));

        ProcessLedger.ReapAbandoned(_base);

        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public void ReapAbandoned_never_signals_a_pid_that_was_reused_by_another_process()
    {
        var abandoned = Directory.CreateDirectory(Path.Combine(_base, "postgres-3-reused")).FullName;
        var unrelated = StartSleeper();
        File.WriteAllText(Path.Combine(abandoned, "owner.pid"), "2147483646 1\n");
        File.WriteAllText(Path.Combine(abandoned, "children.pid"), string.Create(CultureInfo.InvariantCulture, $"{unrelated.Id} 1\n"));

        ProcessLedger.ReapAbandoned(_base);

        Assert.False(unrelated.HasExited);
    }

    [Fact]
    public void Claim_refuses_a_folder_owned_by_another_live_process()
    {
        var taken = Directory.CreateDirectory(Path.Combine(_base, "data")).FullName;
        var owner = StartSleeper();
        File.WriteAllText(Path.Combine(taken, "owner.pid"), Record(owner.Id));

        var error = Assert.Throws<InfrastructureStartupException>(() => ProcessLedger.Claim(taken));

        Assert.Contains($"in use by another IdentityEhr process (pid {owner.Id})", error.Message, StringComparison.Ordinal);
    }
}
