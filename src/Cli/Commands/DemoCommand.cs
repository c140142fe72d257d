using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace IdentityEhr.Cli.Commands;

/// <summary>
/// <c>ehr demo</c>: the whole story against a running service (the README's run command), told by running the same <c>ehr</c>
/// commands a patient, a provider and an accreditor would, each with its own throwaway wallet, and printing every step's event
/// and receipt. Synthetic data only: a made-up Observation, made-up DIDs.
/// </summary>
internal static class DemoCommand
{
    /// <summary>A synthetic Observation (no real person): a body temperature.</summary>
    private const string SyntheticObservation =
        """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5","display":"Body temperature"}]},"valueQuantity":{"value":37.2,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}""";

    public static Command Create(CliContext context)
    {
        var accreditorKey = new Option<string>("--accreditor-key")
        {
            Description = $"The accreditor's key file for the break-glass step (default: the development accreditor the embedded defaults keep, EHR_DATA_DIR/accreditor.key or {AdminCommand.DefaultKeyFile}).",
        };
        var keep = new Option<string>("--keep") { Description = "Keep the demo's wallets, credentials and receipts in this folder (default: a temporary folder, removed at the end)." };
        var anchorWait = new Option<int>("--anchor-wait") { Description = "Seconds to wait for the last event's anchor on the chain (0: skip the chain check).", DefaultValueFactory = _ => 60 };
        var command = new Command(
            "demo",
            "Run the whole story against the service: a patient and a provider register, a record is stored, access is denied without consent, "
            + "granted with it, denied once revoked, granted by break-glass, the record erased; then the patient's history with every receipt verified, "
            + "and the last receipt checked against the anchor on the chain.")
        {
            accreditorKey, keep, anchorWait,
        };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var url = context.ServiceUrl(parse, out var problem) ?? throw new CliException(ExitCodes.UsageError, problem!);
            var folder = parse.GetValue(keep) ?? Directory.CreateTempSubdirectory("ehr-demo-").FullName;
            Directory.CreateDirectory(folder);
            try
            {
                await new Story(context, url, folder, parse.GetValue(accreditorKey) ?? AdminCommand.DevKeyFile(context), parse.GetValue(anchorWait)).RunAsync(cancellationToken);
            }
            finally
            {
                if (parse.GetValue(keep) is null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }));
        return command;
    }

    private sealed class Story(CliContext context, Uri url, string folder, string accreditorKey, int anchorWait)
    {
        private readonly string _passphrase = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        private int _step;
        private Guid? _lastEvent;

        private string File(string name) => Path.Combine(folder, name);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await SayAsync($"IdentityEhr demo against {url} (synthetic data; files in {folder})");
            await Run("patient", cancellationToken, "health");

            await StepAsync("The patient and the provider create their DIDs (did:key) and register with the service");
            var patient = Field(await Run("patient", cancellationToken, "did", "create", "--json"), "did");
            var provider = Field(await Run("provider", cancellationToken, "did", "create", "--json"), "did");
            await Run("patient", cancellationToken, "register", "patient");
            await Run("provider", cancellationToken, "register", "provider");
            await SayAsync($"  patient  {patient}\n  provider {provider}");

            await StepAsync("The provider stores a FHIR Observation for the patient (validated, encrypted, its key wrapped)");
            await System.IO.File.WriteAllTextAsync(File("observation.json"), SyntheticObservation, cancellationToken);
            var record = Field(await Run("provider", cancellationToken, "record", "put", File("observation.json"), "--patient", patient, "--json"), "record");
            await SayAsync($"  record {record}");
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("The provider asks to read it without the patient's consent");
            await ExpectRefusalAsync("provider", cancellationToken, "record", "get", record);
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("The patient publishes a revocation list, consents (Observation, TREAT) and registers the consent");
            var list = new Uri(url, $"status-lists/demo-{Guid.NewGuid():N}").ToString();
            await Run("patient", cancellationToken, "status-list", "create", "--id", list, "--out", File("list.json"));
            await Run("patient", cancellationToken, "status-list", "publish", File("list.json"));
            await Run("patient", cancellationToken, "consent", "issue", "--grantee", provider, "--record-type", "Observation", "--purpose", "TREAT",
                "--status-list", list, "--out", File("consent.json"));
            await SayAsync("  " + (await Run("patient", cancellationToken, "consent", "register", File("consent.json"))).Trim());
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("The provider presents the consent for a challenge; the key is released to it, and it decrypts locally");
            await SayAsync("  " + (await Run("provider", cancellationToken, "record", "get", record, "--consent", File("consent.json"), "--out", File("read.json"))).Trim());
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("The patient revokes the consent");
            await SayAsync("  " + (await Run("patient", cancellationToken, "consent", "revoke", File("consent.json"), "--list", File("list.json"), "--publish")).Trim());
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("The provider asks again with the revoked consent");
            await ExpectRefusalAsync("provider", cancellationToken, "record", "get", record, "--consent", File("consent.json"));
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("Emergency: the accreditor accredits the provider, which breaks the glass (ETREAT) with a stated reason");
            if (!System.IO.File.Exists(accreditorKey))
            {
                await SayAsync($"  skipped: no accreditor key at {accreditorKey} (the embedded defaults create .ehr/accreditor.key; run ./ehr from the checkout that runs the service, or give --accreditor-key)");
            }
            else
            {
                await Run("provider", cancellationToken, "admin", "accredit", "--subject", provider, "--key-file", accreditorKey, "--days", "1", "--out", File("accreditation.json"));
                await SayAsync("  " + (await Run("provider", cancellationToken, "record", "get", record, "--accreditation", File("accreditation.json"),
                    "--reason", "demo: synthetic emergency", "--out", File("emergency.json"))).Trim());
                await ReceiptAsync(patient, cancellationToken);
            }

            await StepAsync("The patient erases the record (crypto-shredding)");
            await SayAsync("  " + (await Run("patient", cancellationToken, "record", "erase", record)).Trim());
            await ReceiptAsync(patient, cancellationToken);

            await StepAsync("The patient reads the access history and verifies every entry's receipt");
            await SayAsync(await Run("patient", cancellationToken, "history", "--verify"));

            if (anchorWait > 0 && _lastEvent is { } last)
            {
                await StepAsync("An auditor checks the last receipt against the anchor on the chain");
                await AuditAsync(last, cancellationToken);
            }

            await SayAsync("\nDone: every step above is an event in the audit log, with a receipt anyone can check.");
        }

        private async Task StepAsync(string title)
        {
            _step++;
            await SayAsync($"\n{_step}. {title}");
        }

        private Task SayAsync(string text) => context.Output.WriteLineAsync(text.TrimEnd('\n'));

        /// <summary>Runs an <c>ehr</c> command as one of the parties (its own wallet), failing the demo if it fails.</summary>
        private async Task<string> Run(string party, CancellationToken cancellationToken, params string[] args)
        {
            var (exit, output, error) = await InvokeAsync(party, args, cancellationToken);
            return exit == 0 ? output : throw new CliException(exit, $"demo step 'ehr {string.Join(' ', args)}' failed: {error.Trim()}");
        }

        private async Task ExpectRefusalAsync(string party, CancellationToken cancellationToken, params string[] args)
        {
            var (exit, _, error) = await InvokeAsync(party, args, cancellationToken);
            if (exit != ExitCodes.CheckFailed)
            {
                throw new CliException(ExitCodes.CheckFailed, $"demo step 'ehr {string.Join(' ', args)}' should have been refused, but exited {exit}");
            }

            await SayAsync($"  refused, as it should be: {error.Trim().Replace("ehr: ", "", StringComparison.Ordinal)}");
        }

        private async Task<(int Exit, string Output, string Error)> InvokeAsync(string party, string[] args, CancellationToken cancellationToken)
        {
            var environment = new Dictionary<string, string>
            {
                ["EHR_WALLET"] = File(party + ".wallet.json"),
                ["EHR_WALLET_PASSPHRASE"] = _passphrase,
                ["EHR_URL"] = url.ToString(),
            };
            using var output = new StringWriter(CultureInfo.InvariantCulture);
            using var error = new StringWriter(CultureInfo.InvariantCulture);
            var exit = await new CliApp(output, error, name => environment.GetValueOrDefault(name) ?? context.Environment(name), context.HttpHandler, context.Time)
                .RunAsync(args, cancellationToken);
            return (exit, output.ToString(), error.ToString());
        }

        /// <summary>Prints the step's event from the patient's history, with its receipt checked against the log's key.</summary>
        private async Task ReceiptAsync(string patient, CancellationToken cancellationToken)
        {
            // The history is a projection: wait a moment for the step's event to reach it.
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var history = JsonNode.Parse(await Run("patient", cancellationToken, "history", "--limit", "1", "--verify", "--json"))!;
                if (history["items"] is JsonArray { Count: 1 } items && items[0]!["event"]!.GetValue<Guid>() is var id && id != _lastEvent
                    && items[0]!["receiptValid"]!.GetValue<bool>())
                {
                    _lastEvent = id;
                    var item = items[0]!;
                    await SayAsync($"  event {item["type"]}{(item["reason"] is { } r ? $" ({r})" : "")} {id}: leaf {item["position"]}, receipt {item["receiptCheck"]} (GET {item["receipt"]})");
                    return;
                }

                await Task.Delay(100, cancellationToken);
            }

            throw new CliException(ExitCodes.CheckFailed, $"the step's event did not reach {patient}'s history with a valid receipt within 5 s");
        }

        private async Task AuditAsync(Guid eventId, CancellationToken cancellationToken)
        {
            var health = JsonNode.Parse(await Run("patient", cancellationToken, "health", "--json"))!;
            var chain = health["chain"];
            if (chain?["contracts"] is not { } contracts || health["anchoring"]?["status"]?.GetValue<string>() is "off" or null)
            {
                await SayAsync("  the service does not anchor (EHR_ANCHORING=off or no contracts): skipped");
                return;
            }

            var path = File($"{eventId}.receipt.json");
            using var http = context.CreateHttpClient(TimeSpan.FromSeconds(30));
            for (var waited = 0; ; waited++)
            {
                var bytes = await http.GetByteArrayAsync(new Uri(url, $"log/receipts/{eventId}"), cancellationToken);
                if (JsonNode.Parse(bytes)?["anchor"] is not null)
                {
                    await System.IO.File.WriteAllBytesAsync(path, bytes, cancellationToken);
                    break;
                }

                if (waited >= anchorWait)
                {
                    await SayAsync($"  not anchored within {anchorWait} s (the anchor period may be longer): check later with 'ehr audit verify'");
                    return;
                }

                await Task.Delay(1000, cancellationToken);
            }

            await SayAsync(await Run("patient", cancellationToken, "audit", "verify", path, "--rpc", chain!["rpc"]!.GetValue<string>(),
                "--did", health["anchoring"]!["serviceDid"]!.GetValue<string>(), "--contract", contracts["auditAnchor"]!.GetValue<string>(), "--finality", "1"));
        }

        private static string Field(string json, string name) =>
            JsonNode.Parse(json)?[name]?.GetValue<string>() ?? throw new CliException(ExitCodes.Unavailable, $"the answer has no {name}");
    }
}
