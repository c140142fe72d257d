namespace IdentityEhr.Cli;

/// <summary>A failure the CLI reports as one line with a given exit code (a missing wallet, no passphrase...).</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
