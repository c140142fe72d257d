using System.CommandLine;
using System.Text.Json;
using IdentityEhr.Embedded;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr dev up</c>: starts the embedded defaults on their own, for running tests or tools against them.</summary>
internal static class DevCommand
{
    public static Command Create(CliContext context)
    {
        var up = new Command(
            "up",
            "Start a private PostgreSQL and a local anvil with the contracts deployed, print their endpoints as EHR_* variables, and stop both on Ctrl-C.");
        up.SetAction((parse, cancellationToken) => UpAsync(context, parse.GetValue(context.Json), cancellationToken));
        return new Command("dev", "Development helpers.") { up };
    }

    private static async Task<int> UpAsync(CliContext context, bool json, CancellationToken cancellationToken)
    {
        EhrSettings settings;
        try
        {
            settings = EhrSettings.Read(context.Environment);
        }
        catch (InfrastructureConfigurationException e)
        {
            return await context.FailAsync(ExitCodes.UsageError, e.Message);
        }

        Infrastructure infrastructure;
        try
        {
            infrastructure = await Infrastructure.StartAsync(settings, logger: null, cancellationToken);
        }
        catch (InfrastructureConfigurationException e)
        {
            return await context.FailAsync(ExitCodes.UsageError, e.Message);
        }
        catch (InfrastructureStartupException e)
        {
            return await context.FailAsync(ExitCodes.Unavailable, e.Message);
        }

        await using (infrastructure)
        {
            // These endpoints are for this machine's developer; the password is that of a throwaway local cluster.
            var endpoints = new Dictionary<string, string>
            {
                [EhrSettings.PostgresVariable] = infrastructure.Database.ConnectionString,
                [EhrSettings.EthereumRpcVariable] = infrastructure.Chain.Rpc.ToString(),
                [EhrSettings.ChainIdVariable] = infrastructure.Chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var contracts = infrastructure.Chain.Contracts;
            if (json)
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    variables = endpoints,
                    didRegistry = contracts?.DidRegistry.ToString(),
                    auditAnchor = contracts?.AuditAnchor.ToString(),
                }));
            }
            else
            {
                foreach (var (name, value) in endpoints)
                {
                    await context.Output.WriteLineAsync($"export {name}='{value}'");
                }

                if (contracts is not null)
                {
                    await context.Output.WriteLineAsync($"# EthereumDIDRegistry {contracts.DidRegistry}, AuditAnchor {contracts.AuditAnchor}");
                }

                await context.Error.WriteLineAsync("ehr: running; press Ctrl-C to stop and remove both.");
            }

            await context.Output.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: fall through to stop both servers.
            }
        }

        return ExitCodes.Success;
    }
}
