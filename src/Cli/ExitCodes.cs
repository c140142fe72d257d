namespace IdentityEhr.Cli;

/// <summary>The exit codes of <c>ehr</c>, documented in the README.</summary>
internal static class ExitCodes
{
    /// <summary>Everything the command was asked to do held.</summary>
    public const int Success = 0;

    /// <summary>The command ran, and what it checked does not hold (for example, the service is unhealthy).</summary>
    public const int CheckFailed = 1;

    /// <summary>The command line or the configuration is wrong.</summary>
    public const int UsageError = 2;

    /// <summary>A service, database, chain or tool could not be reached or started.</summary>
    public const int Unavailable = 3;

    /// <summary>A bug in ehr: an unexpected error, reported in one line (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by Ctrl-C before it finished.</summary>
    public const int Interrupted = 130;
}
