using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr chain info</c>: the chain a running service uses, and its contracts there.</summary>
internal static class ChainCommand
{
    private const int MaxBodyBytes = 64 * 1024;

    public static Command Create(CliContext context)
    {
        var info = new Command("info", "Show the chain id, RPC endpoint (origin only), ERC-1056 registry and AuditAnchor contract the service uses.");
        info.SetAction((parse, cancellationToken) => InfoAsync(context, parse, cancellationToken));
        return new Command("chain", "The Ethereum chain the service anchors on.") { info };
    }

    private static async Task<int> InfoAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        if (context.ServiceUrl(parse, out var problem) is not { } url)
        {
            return await context.FailAsync(ExitCodes.UsageError, problem!);
        }

        using var http = context.CreateHttpClient(TimeSpan.FromSeconds(15));
        JsonNode? chain;
        try
        {
            using var response = await http.GetAsync(new Uri(url, "/health"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.Content.Headers.ContentLength > MaxBodyBytes)
            {
                return await context.FailAsync(ExitCodes.Unavailable, $"{url.GetLeftPart(UriPartial.Authority)} answered with an oversized body");
            }

            chain = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["chain"];
        }
        catch (HttpRequestException)
        {
            return await context.FailAsync(ExitCodes.Unavailable, $"cannot reach {url.GetLeftPart(UriPartial.Authority)}: is the service running (./run.sh)?");
        }
        catch (JsonException)
        {
            return await context.FailAsync(ExitCodes.Unavailable, $"{url.GetLeftPart(UriPartial.Authority)} did not answer with JSON");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await context.FailAsync(ExitCodes.Unavailable, $"{url.GetLeftPart(UriPartial.Authority)} did not answer within 15 s");
        }

        if (chain is not JsonObject details)
        {
            return await context.FailAsync(ExitCodes.Unavailable, $"{url.GetLeftPart(UriPartial.Authority)} reported no chain");
        }

        var result = new JsonObject
        {
            ["chainId"] = details["chainId"]?.DeepClone(),
            ["rpc"] = details["rpc"]?.DeepClone(),
            ["embedded"] = details["embedded"]?.DeepClone(),
            ["status"] = details["status"]?.DeepClone(),
            ["didRegistry"] = details["contracts"]?["didRegistry"]?.DeepClone(),
            ["auditAnchor"] = details["contracts"]?["auditAnchor"]?.DeepClone(),
            ["serviceIdentity"] = details["contracts"]?["serviceIdentity"]?.DeepClone(),
        };
        if (parse.GetValue(context.Json))
        {
            await context.Output.WriteLineAsync(result.ToJsonString());
        }
        else
        {
            foreach (var (name, value) in result)
            {
                await context.Output.WriteLineAsync($"{name,-16} {value?.ToString() ?? "(none)"}");
            }
        }

        return details["status"]?.GetValue<string>() == "up" ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
