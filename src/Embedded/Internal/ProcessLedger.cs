using System.Globalization;

namespace IdentityEhr.Embedded.Internal;

/// <summary>
/// Records, in a directory, which process owns it and which servers that process started, so that a later run can stop
/// servers left behind by a run that was killed before it could stop them.
/// </summary>
internal sealed class ProcessLedger
{
    private const string OwnerFile = "owner.pid";
    private const string ChildrenFile = "children.pid";
    private readonly Lock _gate = new();

    private ProcessLedger(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>Takes the directory for this process; stops what a dead owner left running; refuses a live owner.</summary>
    public static ProcessLedger Claim(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var owner = ReadRecords(Path.Combine(directory, OwnerFile)).FirstOrDefault();
        if (owner is not null && owner.Pid != Environment.ProcessId && owner.IsAlive)
        {
            throw new InfrastructureStartupException(
                $"{directory} is in use by another IdentityEhr process (pid {owner.Pid}); stop it or choose another EHR_DATA_DIR");
        }

        StopAll(ReadRecords(Path.Combine(directory, ChildrenFile)));
        File.Delete(Path.Combine(directory, ChildrenFile));
        // Written whole or not at all: another process reaping abandoned folders must never read half a record, take the
        // truncated start time for a dead owner, and delete a live folder.
        var temporary = Path.Combine(directory, OwnerFile + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        File.WriteAllText(temporary, ProcessRecord.Current().ToString() + "\n");
        File.Move(temporary, Path.Combine(directory, OwnerFile), overwrite: true);
        return new ProcessLedger(directory);
    }

    /// <summary>Deletes every subdirectory of <paramref name="baseDirectory"/> whose owner has died, stopping its servers first.</summary>
    public static void ReapAbandoned(string baseDirectory)
    {
        if (!System.IO.Directory.Exists(baseDirectory))
        {
            return;
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(baseDirectory))
        {
            var owner = ReadRecords(Path.Combine(directory, OwnerFile)).FirstOrDefault();
            if (owner is null || owner.IsAlive)
            {
                // No owner file yet means a run is still creating it; leave it alone.
                continue;
            }

            StopAll(ReadRecords(Path.Combine(directory, ChildrenFile)));
            TryDeleteDirectory(directory);
        }
    }

    public static void TryDeleteDirectory(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public void RecordChild(int pid)
    {
        var record = ProcessRecord.Of(pid);
        if (record is null)
        {
            return;
        }

        lock (_gate)
        {
            File.AppendAllText(Path.Combine(Directory, ChildrenFile), record + "\n");
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            File.Delete(Path.Combine(Directory, ChildrenFile));
            File.Delete(Path.Combine(Directory, OwnerFile));
        }
    }

    private static void StopAll(IEnumerable<ProcessRecord> records)
    {
        var alive = records.Where(r => r.IsAlive).ToList();
        foreach (var record in alive)
        {
            // SIGQUIT: immediate shutdown for PostgreSQL, termination for anvil.
            Posix.Signal(record.Pid, Posix.SigQuit);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (alive.Any(r => r.IsAlive) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        foreach (var record in alive.Where(r => r.IsAlive))
        {
            Posix.Signal(record.Pid, Posix.SigKill);
        }
    }

    private static List<ProcessRecord> ReadRecords(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        return File.ReadAllLines(file).Select(ProcessRecord.TryParse).OfType<ProcessRecord>().ToList();
    }

    /// <summary>A pid with its start time, so a pid reused by an unrelated process is never signalled.</summary>
    private sealed record ProcessRecord(int Pid, long StartTime)
    {
        public bool IsAlive => Posix.IsAlive(Pid) && Posix.StartTime(Pid) == StartTime;

        public static ProcessRecord Current() => Of(Environment.ProcessId) ?? new ProcessRecord(Environment.ProcessId, 0);

        public static ProcessRecord? Of(int pid) => Posix.StartTime(pid) is { } start ? new ProcessRecord(pid, start) : null;

        public static ProcessRecord? TryParse(string line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                ? new ProcessRecord(pid, start)
                : null;
        }

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTime}");
    }
}
