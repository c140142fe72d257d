using System.Globalization;
using System.Security.Cryptography;
using IdentityEhr.Embedded.Internal;

namespace IdentityEhr.Embedded;

/// <summary>Folders for servers that live only as long as this process (tests, <c>ehr dev up</c>).</summary>
/// <remarks>
/// They sit in one base folder in the temp folder. Creating one first stops the servers of, and deletes, every folder
/// there whose owning process has died, so a killed run leaves nothing behind for long.
/// </remarks>
public static class ThrowawayDirectory
{
    /// <summary>Gets the base folder, <c>identityehr</c> in the temp folder.</summary>
    public static string BaseDirectory { get; } = Path.Combine(Path.GetTempPath(), "identityehr");

    /// <summary>Reaps abandoned folders, then returns a new folder path (not yet created) for one server.</summary>
    /// <param name="kind">A short name for the server, such as <c>postgres</c>.</param>
    /// <returns>The folder's full path.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is empty or not a plain name.</exception>
    public static string Create(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        if (!kind.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("The kind is letters and digits only.", nameof(kind));
        }

        // Others need to traverse the base folder: a root-run PostgreSQL cluster lives below it as user 'postgres'.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(BaseDirectory);
        }
        else
        {
            Directory.CreateDirectory(BaseDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        ProcessLedger.ReapAbandoned(BaseDirectory);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return Path.Combine(BaseDirectory, string.Create(CultureInfo.InvariantCulture, $"{kind}-{Environment.ProcessId}-{suffix}"));
    }
}
