using System.CommandLine;
using System.Text.Json;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr register patient|provider</c>: register your wallet DID with the service in a role.</summary>
internal static class RegisterCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var signer = WalletKeys.SignerOption();
        return new Command("register", "Register your wallet DID with the service: as a patient (records may be stored for you) or as a provider (you may store records for registered patients).")
        {
            wallet, signer,
            Role(context, wallet, signer, "patient", "/patients", "Register as a patient, so that providers may store records for you and you may register consents."),
            Role(context, wallet, signer, "provider", "/providers", "Register as a provider, so that you may store records for registered patients."),
        };
    }

    private static Command Role(CliContext context, Option<string> wallet, Option<string> signer, string role, string path, string description)
    {
        var command = new Command(role, description);
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                var answer = ServiceClient.Json(await client.SendSignedAsync(HttpMethod.Post, path, null, null, key, WalletKeys.KeyId(did, key), cancellationToken));
                await context.Output.WriteLineAsync(parse.GetValue(context.Json)
                    ? answer.ToJsonString(s_indented)
                    : $"{answer["did"]} is registered as a {answer["role"]} (since {answer["registeredAt"]})");
            }
        }));
        return command;
    }
}
