namespace IdentityEhr.Cli;

/// <summary>What every command gets: where to write, the environment, and how to make HTTP calls.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? httpHandler)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public Func<string, string?> Environment { get; } = environment;

    /// <summary>Colour and box drawing only for a person at a terminal; pipes and files get plain text.</summary>
    public bool OutputIsTerminal => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;

    public HttpClient CreateHttpClient(TimeSpan timeout) =>
        httpHandler is null
            ? new HttpClient { Timeout = timeout }
            : new HttpClient(httpHandler, disposeHandler: false) { Timeout = timeout };

    /// <summary>Writes the one-line reason for a failure and returns its exit code.</summary>
    public async Task<int> FailAsync(int exitCode, string reason)
    {
        await Error.WriteLineAsync($"ehr: {reason}");
        return exitCode;
    }
}
