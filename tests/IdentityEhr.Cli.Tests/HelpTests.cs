using System.CommandLine;

namespace IdentityEhr.Cli.Tests;

/// <summary>Every command's <c>--help</c> is useful: each command, argument and option says what it is for, and help exits 0.</summary>
public sealed class HelpTests
{
    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var inner in Walk(sub, $"{path} {sub.Name}"))
            {
                yield return inner;
            }
        }
    }

    private static List<(string Path, Command Command)> Commands()
    {
        using var output = new StringWriter();
        var context = new CliContext(output, output, _ => null, null, TimeProvider.System);
        return [.. Walk(CliApp.Root(context), "ehr")];
    }

    [Fact]
    public void Every_command_argument_and_option_is_described()
    {
        var missing = new List<string>();
        foreach (var (path, command) in Commands())
        {
            if (command.Description is not { Length: >= 15 })
            {
                missing.Add(path);
            }

            missing.AddRange(command.Arguments.Where(a => a.Description is not { Length: >= 5 }).Select(a => $"{path} <{a.Name}>"));
            missing.AddRange(command.Options.Where(o => o.Name is not ("--help" or "--version") && o.Description is not { Length: >= 5 }).Select(o => $"{path} {o.Name}"));
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Help_of_every_command_prints_its_usage_and_exits_0()
    {
        foreach (var (path, _) in Commands())
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var args = path.Split(' ').Skip(1).Append("--help").ToArray();

            var exit = await new CliApp(output, error, _ => null).RunAsync(args, TestContext.Current.CancellationToken);

            Assert.True(exit == 0, $"{path} --help → {exit}: {error}");
            Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_root_help_names_the_demo_and_the_exit_codes()
    {
        using var output = new StringWriter();
        await new CliApp(output, output, _ => null).RunAsync(["--help"], TestContext.Current.CancellationToken);

        Assert.Contains("ehr demo", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 success", output.ToString(), StringComparison.Ordinal);
    }
}
