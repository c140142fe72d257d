using System.Diagnostics;
using System.Globalization;

namespace IdentityEhr.Access.Load;

/// <summary>CPU time from <c>/proc</c>: of a process, of a PostgreSQL cluster (postmaster and backends), and of the whole machine.</summary>
internal static class Cpu
{
    // USER_HZ: the unit of /proc's times; 100 on Linux x86-64.
    private const double TicksPerSecond = 100;

    /// <summary>User + system time of a process (its own threads).</summary>
    public static TimeSpan ProcessTime(int pid) => Ticks(Fields(pid), children: false);

    /// <summary>
    /// User + system time of a PostgreSQL cluster: the postmaster with the children it has reaped, and the live backends.
    /// </summary>
    public static TimeSpan ClusterTime(int postmaster)
    {
        var total = Ticks(Fields(postmaster), children: true);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != postmaster
                && TryFields(pid, out var fields) && fields[1] == postmaster.ToString(CultureInfo.InvariantCulture))
            {
                total += Ticks(fields, children: false);
            }
        }

        return total;
    }

    /// <summary>Busy time of all cores together (everything but idle and iowait), from <c>/proc/stat</c>.</summary>
    public static TimeSpan MachineBusy()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i < cpu.Length && i <= 8; i++)
        {
            if (i is not (4 or 5 or 8))
            {
                busy += long.Parse(cpu[i], CultureInfo.InvariantCulture);
            }
        }

        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }

    /// <summary>The postmaster's pid from <c>postmaster.pid</c> somewhere under a folder.</summary>
    public static int? FindPostmaster(string directory) =>
        Directory.EnumerateFiles(directory, "postmaster.pid", SearchOption.AllDirectories).Select(f => int.Parse(File.ReadLines(f).First(), CultureInfo.InvariantCulture))
            .Cast<int?>().FirstOrDefault();

    private static TimeSpan Ticks(string[] fields, bool children)
    {
        // After the command's closing parenthesis: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (children)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static string[] Fields(int pid) =>
        TryFields(pid, out var fields) ? fields : throw new InvalidOperationException($"process {pid} is gone");

    private static bool TryFields(int pid, out string[] fields)
    {
        fields = [];
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 14;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>CPU used so far by this program, the service, PostgreSQL and the whole machine.</summary>
internal readonly record struct CpuSnapshot(TimeSpan Client, TimeSpan Service, TimeSpan Postgres, TimeSpan Machine)
{
    public static CpuSnapshot Take(ServiceProcess service, int? postmaster) => new(
        Process.GetCurrentProcess().TotalProcessorTime, service.CpuTime(), postmaster is { } pid ? Cpu.ClusterTime(pid) : TimeSpan.Zero, Cpu.MachineBusy());

    public static CpuSnapshot operator -(CpuSnapshot a, CpuSnapshot b) =>
        new(a.Client - b.Client, a.Service - b.Service, a.Postgres - b.Postgres, a.Machine - b.Machine);

    /// <summary>Per access, in µs of CPU, and each part's share of the machine's cores over the window.</summary>
    public string Describe(long accesses, TimeSpan window)
    {
        var cores = Environment.ProcessorCount * window.TotalSeconds;
        var other = Machine - Client - Service - Postgres;
        string Part(string name, TimeSpan t) => $"{name} {t.TotalMicroseconds / Math.Max(1, accesses):F0} µs ({t.TotalSeconds / cores:P0})";
        return $"  CPU per granted access (share of {Environment.ProcessorCount} cores): {Part("client", Client)}, {Part("service", Service)}, {Part("PostgreSQL", Postgres)}, " +
            $"{Part("everything else", other)}; machine busy {Machine.TotalSeconds / cores:P0}";
    }
}
