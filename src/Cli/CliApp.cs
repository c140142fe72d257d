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
        var root = new RootCommand("ehr: patient wallet, provider, auditor and admin commands for IdentityEhr.")
        {
            context.Url,
            context.Json,
            HealthCommand.Create(context),
            DidCommand.Create(context),
            ChainCommand.Create(context),
            DevCommand.Create(context),
            ConsentCommand.Create(context),
            ConsentCommand.CreateStatusList(context),
            PresentationCommand.CreateVp(context),
            PresentationCommand.CreateVc(context),
            LogCommand.Create(context),
            AuditCommand.Create(context),
            RecordCommand.Create(context),
            VaultCommand.Create(context),
            RegisterCommand.Create(context),
            HistoryCommand.Create(context),
            AdminCommand.Create(context),
            DemoCommand.Create(context),
        };

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
}
