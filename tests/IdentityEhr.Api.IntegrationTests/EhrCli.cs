namespace IdentityEhr.Api.IntegrationTests;

/// <summary>Runs <c>ehr</c> in-process with a given environment and captures what it prints.</summary>
internal sealed class EhrCli(IReadOnlyDictionary<string, string> environment)
{
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await new Cli.CliApp(output, error, name => environment.GetValueOrDefault(name)).RunAsync(args, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString().TrimEnd());
    }
}
