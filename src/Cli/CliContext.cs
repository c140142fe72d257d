using System.CommandLine;

namespace IdentityEhr.Cli;

/// <summary>What every command gets: where to write, the environment, the shared options, and how to make HTTP calls.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? httpHandler, TimeProvider time)
{
    /// <summary>The address the README's run command serves on.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public Func<string, string?> Environment { get; } = environment;

    public TimeProvider Time { get; } = time;

    /// <summary>Gets the HTTP handler tests inject (null: the default), for commands that run other commands (<c>ehr demo</c>).</summary>
    public HttpMessageHandler? HttpHandler { get; } = httpHandler;

    /// <summary>Gets <c>--url</c>, taken by every command: the service to talk to.</summary>
    public Option<Uri> Url { get; } = HttpUrlOption("--url", $"The service's base URL (default: EHR_URL, or {DefaultUrl}).", recursive: true);

    /// <summary>Gets <c>--json</c>, taken by every command: machine-readable output.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print machine-readable JSON.", Recursive = true };

    /// <summary>Colour and box drawing only for a person at a terminal; pipes and files get plain text.</summary>
    public bool OutputIsTerminal => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;

    public HttpClient CreateHttpClient(TimeSpan timeout) =>
        HttpHandler is null
            ? new HttpClient { Timeout = timeout }
            : new HttpClient(HttpHandler, disposeHandler: false) { Timeout = timeout };

    /// <summary>The service URL: <c>--url</c>, else <c>EHR_URL</c>, else the default; null with the reason when EHR_URL is bad.</summary>
    public Uri? ServiceUrl(ParseResult parse, out string? problem)
    {
        problem = null;
        if (parse.GetValue(Url) is { } given)
        {
            return given;
        }

        var fromEnvironment = Environment("EHR_URL");
        if (fromEnvironment is null)
        {
            return new Uri(DefaultUrl);
        }

        if (IsHttpUrl(fromEnvironment, out var url))
        {
            return url;
        }

        problem = "EHR_URL must be an absolute http:// or https:// URL";
        return null;
    }

    /// <summary>Writes the one-line reason for a failure and returns its exit code.</summary>
    public async Task<int> FailAsync(int exitCode, string reason)
    {
        await Error.WriteLineAsync($"ehr: {reason}");
        return exitCode;
    }

    /// <summary>An option whose value must be an absolute http or https URL, refused in one line otherwise.</summary>
    public static Option<Uri> HttpUrlOption(string name, string description, bool recursive = false) => new(name)
    {
        Description = description,
        Recursive = recursive,
        CustomParser = r =>
        {
            if (IsHttpUrl(r.Tokens.Single().Value, out var url))
            {
                return url;
            }

            r.AddError($"{name} must be an absolute http:// or https:// URL");
            return null!;
        },
    };

    /// <summary>True when the text is an absolute http or https URL.</summary>
    public static bool IsHttpUrl(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}
