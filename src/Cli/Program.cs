using IdentityEhr.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops what the command started, cleanly; a second one ends the process at once.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

return await new CliApp(Console.Out, Console.Error, Environment.GetEnvironmentVariable).RunAsync(args, cancellation.Token);
