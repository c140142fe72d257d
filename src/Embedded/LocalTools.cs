using System.Globalization;

namespace IdentityEhr.Embedded;

/// <summary>Finds the programs the embedded defaults run: PostgreSQL's server binaries and anvil from npm.</summary>
public static class LocalTools
{
    /// <summary>The path of anvil inside the pinned npm package, relative to the repository root.</summary>
    public const string AnvilPackagePath = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    /// <summary>Where Debian installs PostgreSQL server binaries, one folder per major version.</summary>
    public const string DebianPostgresRoot = "/usr/lib/postgresql";

    /// <summary>Finds the folder with <c>postgres</c> and <c>initdb</c>: the override, or Debian's newest version.</summary>
    /// <param name="overrideDirectory">The folder given by <c>EHR_PG_BIN</c>, or <see langword="null"/>.</param>
    /// <returns>The folder.</returns>
    /// <exception cref="InfrastructureConfigurationException">No PostgreSQL server binaries were found.</exception>
    public static string FindPostgresBinDirectory(string? overrideDirectory)
    {
        if (overrideDirectory is not null)
        {
            return HasPostgres(overrideDirectory)
                ? overrideDirectory
                : throw new InfrastructureConfigurationException(
                    $"EHR_PG_BIN is '{overrideDirectory}', which holds no 'postgres' and 'initdb' programs");
        }

        if (Directory.Exists(DebianPostgresRoot))
        {
            var newest = Directory.EnumerateDirectories(DebianPostgresRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && HasPostgres(d.Directory))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Directory is not null)
            {
                return newest.Directory;
            }
        }

        throw new InfrastructureConfigurationException(
            $"PostgreSQL server binaries not found in {DebianPostgresRoot}/*/bin: install Debian's 'postgresql' package, or set EHR_POSTGRES (or EHR_PG_BIN)");
    }

    /// <summary>Finds anvil: the override, or the pinned npm package in a <c>node_modules</c> above the start folders.</summary>
    /// <param name="overridePath">The path given by <c>EHR_ANVIL</c>, or <see langword="null"/>.</param>
    /// <param name="startDirectories">Folders to search upward from (the working folder, the application's folder).</param>
    /// <returns>The full path of the anvil executable.</returns>
    /// <exception cref="InfrastructureConfigurationException">anvil was not found.</exception>
    public static string FindAnvil(string? overridePath, IEnumerable<string> startDirectories)
    {
        ArgumentNullException.ThrowIfNull(startDirectories);
        if (overridePath is not null)
        {
            return File.Exists(overridePath)
                ? Path.GetFullPath(overridePath)
                : throw new InfrastructureConfigurationException($"EHR_ANVIL is '{overridePath}', which does not exist");
        }

        var starts = startDirectories.ToList();
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, AnvilPackagePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InfrastructureConfigurationException(
            $"anvil is not installed: run 'npm ci' in the repository root (no {AnvilPackagePath} above {string.Join(" or ", starts)}), or set EHR_ETH_RPC and EHR_CHAIN_ID");
    }

    private static bool HasPostgres(string directory) =>
        File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb"));
}
