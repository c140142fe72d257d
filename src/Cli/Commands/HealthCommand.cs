using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr health</c>: asks a running service for <c>/health</c> and shows the answer.</summary>
internal static class HealthCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("health", "Show whether a running service reaches its database and chain.");
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        var json = parse.GetValue(context.Json);
        if (context.ServiceUrl(parse, out var problem) is not { } url)
        {
            return await context.FailAsync(ExitCodes.UsageError, problem!);
        }

        var health = await ServiceHealth.FetchAsync(context, url, TimeSpan.FromSeconds(15), cancellationToken);
        if (health.Failure is { } failure)
        {
            return await context.FailAsync(failure.ExitCode, failure.Reason);
        }

        var (status, body) = (health.Status, health.Body);
        var report = health.Report is null ? default : JsonSerializer.Deserialize<JsonElement>(body);
        var healthy = status == 200 && report.ValueKind == JsonValueKind.Object
            && report.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "healthy";
        if (json)
        {
            await context.Output.WriteLineAsync(body);
        }
        else
        {
            Render(context, report, healthy);
        }

        return healthy ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static void Render(CliContext context, JsonElement report, bool healthy)
    {
        var terminal = context.OutputIsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        var table = new Table().AddColumn("part").AddColumn("status").AddColumn("details");
        AddRow(table, report, "database", d => $"{Text(d, "server")} at {Text(d, "host")}:{Text(d, "port")}, database {Text(d, "database")}{(Flag(d, "embedded") ? " (embedded)" : "")}");
        AddRow(table, report, "chain", c => $"chain id {Text(c, "chainId")} at {Text(c, "rpc")}, block {Text(c, "latestBlock")}{(Flag(c, "embedded") ? " (embedded)" : "")}"
            + (c.TryGetProperty("contracts", out var k) && k.ValueKind == JsonValueKind.Object
                ? $"; registry {Text(k, "didRegistry")}, anchor {Text(k, "auditAnchor")}"
                : string.Empty));
        if (report.ValueKind == JsonValueKind.Object && report.TryGetProperty("anchoring", out var anchoring) && anchoring.ValueKind == JsonValueKind.Object)
        {
            var status = Text(anchoring, "status");
            var details = status == "off"
                ? Text(anchoring, "error")
                : $"{Text(anchoring, "serviceDid")}: anchored to tree size {Text(anchoring, "anchoredTreeSize")} of {Text(anchoring, "treeSize")}, lag {Text(anchoring, "lagSeconds")} s"
                    + (status == "failing" ? $"; last round: {Text(anchoring, "error")}" : string.Empty);
            var color = status switch { "current" => "green", "off" => "grey", _ => "yellow" };
            table.AddRow(new Markup("anchoring"), new Markup($"[{color}]{Markup.Escape(status)}[/]"), new Markup(Markup.Escape(details)));
        }

        console.Write(table);
        console.MarkupLine(healthy ? "[green]healthy[/]" : "[red]unhealthy[/]");
    }

    private static void AddRow(Table table, JsonElement report, string part, Func<JsonElement, string> describe)
    {
        if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty(part, out var element) || element.ValueKind != JsonValueKind.Object)
        {
            table.AddRow(part, "?", "missing from the answer");
            return;
        }

        var status = Text(element, "status");
        var details = status == "up" ? describe(element) : Text(element, "error");
        table.AddRow(new Markup(Markup.Escape(part)), new Markup(status == "up" ? "[green]up[/]" : $"[red]{Markup.Escape(status)}[/]"), new Markup(Markup.Escape(details)));
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => "?",
        } : "?";

    private static bool Flag(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;
}
