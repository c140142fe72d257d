using System.CommandLine;
using IdentityEhr.Cli.Commands;

namespace IdentityEhr.Cli;

/// <summary>The <c>ehr</c> command line: parses, dispatches, and turns every failure into one line and an exit code.</summary>
internal sealed class CliApp(
    TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? httpHandler = null, TimeProvider? time = null)
{
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var context = new CliContext(output, error, environment, httpHandler, time ?? TimeProvider.System);
        var root = Root(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // The parser reports "command not provided" alongside the specific complaint; show the specific one.
            var reason = parsed.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) ?? parsed.Errors[0];
            var oneLine = System.Text.RegularExpressions.Regex.Replace(reason.Message, @"\s+", " ", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)).Trim();
            await error.WriteLineAsync($"ehr: {oneLine} (see 'ehr --help')");
            return ExitCodes.UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("ehr: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // The process edge: a bug must still end in one line and an exit code, never a stack trace (which could echo input).
            await error.WriteLineAsync($"ehr: unexpected error ({e.GetType().Name}); please report it with the command you ran");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command tree (tests walk it to check every command's help).</summary>
    internal static RootCommand Root(CliContext context) =>
        new(
            "ehr: patient wallet, provider, auditor and admin commands for IdentityEhr. Start with 'ehr demo' against a running service (./run.sh).\n"
            + "Exit codes: 0 success; 1 what was checked does not hold (or the service refused); 2 bad command line or configuration; "
            + "3 a service, database, chain or file could not be reached; 70 a bug in ehr; 130 interrupted. Failures print one line starting 'ehr: '.")
        {
            context.Url,
            context.Json,
            DemoCommand.Create(context),
            HealthCommand.Create(context),
            RegisterCommand.Create(context),
            DidCommand.Create(context),
            ConsentCommand.Create(context),
            ConsentCommand.CreateStatusList(context),
            RecordCommand.Create(context),
            HistoryCommand.Create(context),
            PresentationCommand.CreateVp(context),
            PresentationCommand.CreateVc(context),
            LogCommand.Create(context),
            AuditCommand.Create(context),
            ChainCommand.Create(context),
            VaultCommand.Create(context),
            AdminCommand.Create(context),
            DevCommand.Create(context),
        };
}
