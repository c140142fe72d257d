using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Wallets;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr consent issue|revoke</c> and <c>ehr status-list create</c>: the patient's wallet signs consent and keeps its revocation list.</summary>
internal static class ConsentCommand
{
    public static Command Create(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var signer = WalletKeys.SignerOption();
        return new Command("consent", "Issue, register, list and revoke ConsentCredentials signed by a DID in your wallet (specs/consent-credential.md).")
        {
            wallet, signer, IssueCommand(context, wallet, signer), RegisterCommand(context, wallet), ListCommand(context, wallet, signer), RevokeCommand(context, wallet),
        };
    }

    public static Command CreateStatusList(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var signer = WalletKeys.SignerOption();
        var id = CliContext.HttpUrlOption("--id", "The URL the list will be published at (its credential id).");
        id.Required = true;
        var ttl = new Option<int>("--ttl") { Description = "How long verifiers may cache the list, in seconds.", DefaultValueFactory = _ => 300 };
        var output = new Option<string>("--out") { Description = "Write the signed list to this file (default: print it)." };
        var create = new Command("create", "Create an empty revocation list (131,072 entries) signed by your DID.") { id, ttl, output };
        create.SetAction(async (parse, cancellationToken) => await RunAsync(context, async () =>
        {
            if (parse.GetValue(ttl) is < 1 or > 86_400 * 30)
            {
                throw new CliException(ExitCodes.UsageError, "--ttl must be between 1 second and 30 days");
            }

            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            {
                var now = context.Time.GetUtcNow();
                var list = BitstringStatusList.CreateCredential(
                    parse.GetValue(id)!.AbsoluteUri, did.ToString(), BitstringStatusListEntry.Revocation, Bitstring.Create(), now, TimeSpan.FromSeconds(parse.GetValue(ttl)));
                await CredentialFiles.WriteAsync(context, EddsaJcs2022.Sign(list, Options(did, key, now), key), parse.GetValue(output));
            }
        }));
        var file = new Argument<string>("list.json") { Description = "The signed list ('-' reads standard input), as 'create' or 'consent revoke' left it." };
        var publish = new Command("publish", "Publish (or replace) your signed list at the service, at the URL that is its id, signed by your DID.") { file };
        publish.SetAction(async (parse, cancellationToken) => await RunAsync(context, async () =>
        {
            var path = parse.GetValue(file)!;
            var bytes = CredentialFiles.ReadBytes(path, CredentialFiles.MaxBytes);
            JsonElement json;
            try
            {
                using var document = JsonDocument.Parse(bytes);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new CliException(ExitCodes.UsageError, $"{path} is not JSON");
            }

            if (!BitstringStatusList.TryRead(json, out var list, out var error))
            {
                throw new CliException(ExitCodes.UsageError, $"{path} is not a status list ({error})");
            }

            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), list.Issuer);
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                // The service checks that the list's id is the URL it receives it at: send it to that path.
                await client.SendSignedAsync(HttpMethod.Put, new Uri(list.Id).AbsolutePath, bytes, "application/json", key, $"{did}#{key.PublicKey.ExportMultikey()}", cancellationToken);
                await context.Output.WriteLineAsync($"published {list.Id}");
            }
        }));
        return new Command("status-list", "Bitstring Status Lists for revoking what you issue.") { wallet, signer, create, publish };
    }

    private static Command IssueCommand(CliContext context, Option<string> wallet, Option<string> signer)
    {
        var grantee = new Option<string>("--grantee") { Description = "The DID allowed to read (the credential's subject).", Required = true };
        var recordTypes = new Option<string[]>("--record-type") { Description = "A FHIR resource type the grantee may read (repeatable).", AllowMultipleArgumentsPerToken = false };
        var recordIds = new Option<string[]>("--record-id") { Description = "A record id the grantee may read (repeatable).", AllowMultipleArgumentsPerToken = false };
        var purposes = new Option<string[]>("--purpose") { Description = "An HL7 v3 purpose of use, such as TREAT (repeatable).", Required = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "When consent starts (ISO 8601; default: now)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "When consent ends (ISO 8601; default: until revoked)." };
        var statusList = CliContext.HttpUrlOption("--status-list", "The URL of the revocation list (see 'ehr status-list create').");
        statusList.Required = true;
        var statusIndex = new Option<int?>("--status-index") { Description = "The entry in the list (default: a random unused-looking index)." };
        var output = new Option<string>("--out") { Description = "Write the credential to this file (default: print it)." };
        var command = new Command("issue", "Sign a ConsentCredential with your current DID (or --did) and print it.")
        {
            grantee, recordTypes, recordIds, purposes, from, until, statusList, statusIndex, output,
        };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(context, async () =>
        {
            if (!Did.TryParse(parse.GetValue(grantee), out var granteeDid, out _))
            {
                throw new CliException(ExitCodes.UsageError, "--grantee is not a DID");
            }

            var index = parse.GetValue(statusIndex) ?? RandomNumberGenerator.GetInt32(Bitstring.MinimumEntries);
            if (index is < 0 or >= Bitstring.MinimumEntries)
            {
                throw new CliException(ExitCodes.UsageError, $"--status-index must be between 0 and {Bitstring.MinimumEntries - 1}");
            }

            var listUrl = parse.GetValue(statusList)!.AbsoluteUri;
            var now = context.Time.GetUtcNow();
            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            {
                JsonObject consent;
                try
                {
                    consent = ConsentCredential.Create(
                        $"urn:uuid:{Guid.NewGuid()}", did, granteeDid, new ConsentScope(parse.GetValue(recordTypes) ?? [], parse.GetValue(recordIds) ?? []),
                        parse.GetValue(purposes) ?? [], parse.GetValue(from) ?? now, parse.GetValue(until),
                        new BitstringStatusListEntry($"{listUrl}#{index}", BitstringStatusListEntry.Revocation, index, listUrl));
                }
                catch (ArgumentException e)
                {
                    throw new CliException(ExitCodes.UsageError, e.Message);
                }

                await CredentialFiles.WriteAsync(context, EddsaJcs2022.Sign(consent, Options(did, key, now), key), parse.GetValue(output));
            }
        }));
        return command;
    }

    private static Command RegisterCommand(CliContext context, Option<string> wallet)
    {
        var credential = new Argument<string>("credential") { Description = "The consent credential file you issued ('-' reads standard input)." };
        var command = new Command(
            "register", "Register a consent you issued with the service (event ConsentRegistered), so that it is listed and can be revoked there; its status list must be published first.")
        {
            credential,
        };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(context, async () =>
        {
            var body = CredentialFiles.ReadBytes(parse.GetValue(credential)!, CredentialFiles.MaxBytes);
            var issuer = JsonNode.Parse(body) is JsonObject json && json["issuer"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), issuer);
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                var answer = ServiceClient.Json(await client.SendSignedAsync(HttpMethod.Post, "/consents", body, "application/json", key, WalletKeys.KeyId(did, key), cancellationToken));
                await context.Output.WriteLineAsync(parse.GetValue(context.Json)
                    ? answer.ToJsonString(s_indented)
                    : $"registered {answer["consent"]} for {answer["grantee"]} ({answer["state"]}); event {answer["registeredEvent"]}, receipt: GET /log/receipts/{answer["registeredEvent"]}");
            }
        }));
        return command;
    }

    private static Command ListCommand(CliContext context, Option<string> wallet, Option<string> signer)
    {
        var command = new Command("list", "List the consents you registered with the service, with their state (active, revoked, expired, not-yet-valid).");
        command.SetAction(async (parse, cancellationToken) => await RunAsync(context, async () =>
        {
            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                var body = await client.SendSignedAsync(HttpMethod.Get, $"/patients/{did}/consents", null, null, key, WalletKeys.KeyId(did, key), cancellationToken);
                var consents = JsonNode.Parse(body) as JsonArray ?? throw new CliException(ExitCodes.Unavailable, "the service's answer is not a list");
                if (parse.GetValue(context.Json))
                {
                    await context.Output.WriteLineAsync(consents.ToJsonString(s_indented));
                    return;
                }

                foreach (var consent in consents)
                {
                    await context.Output.WriteLineAsync(
                        $"{consent!["consent"]}  {consent["state"],-13}  to {consent["grantee"]}  for {string.Join(",", (consent["purposeOfUse"] as JsonArray ?? []).Select(p => p!.ToString()))}"
                        + $"  on {string.Join(",", (consent["recordTypes"] as JsonArray ?? []).Concat(consent["recordIds"] as JsonArray ?? []).Select(p => p!.ToString()))}");
                }

                await context.Output.WriteLineAsync($"{consents.Count} consent(s)");
            }
        }));
        return command;
    }

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static Command RevokeCommand(CliContext context, Option<string> wallet)
    {
        var credential = new Argument<string>("credential") { Description = "The consent credential file." };
        var list = new Option<string>("--list") { Description = "The status list file that holds its revocation bit; updated in place.", Required = true };
        var publish = new Option<bool>("--publish")
        {
            Description = "Also revoke it at the service: publish the re-signed list for the registered consent (event ConsentRevoked; the next access is denied).",
        };
        var command = new Command("revoke", "Set a consent's revocation bit in your status list and re-sign the list (--publish: and revoke it at the service).") { credential, list, publish };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(context, async () =>
        {
            var consentJson = JsonSerializer.SerializeToElement(CredentialFiles.ReadObject(parse.GetValue(credential)!));
            if (!VerifiableCredential.TryRead(consentJson, out var read, out var modelError))
            {
                throw new CliException(ExitCodes.UsageError, $"not a credential: {modelError}");
            }

            if (!ConsentCredential.TryRead(read, out var consent, out var consentError))
            {
                throw new CliException(ExitCodes.UsageError, ConsentCredential.Describe(consentError));
            }

            var listPath = parse.GetValue(list)!;
            var listJson = CredentialFiles.ReadObject(listPath);
            if (!BitstringStatusList.TryRead(JsonSerializer.SerializeToElement(listJson), out var statusList, out var listError))
            {
                throw new CliException(ExitCodes.UsageError, $"{listPath} is not a status list credential ({listError})");
            }

            if (statusList.Id != consent.Revocation.StatusListCredential)
            {
                throw new CliException(ExitCodes.UsageError, $"the consent's revocation bit is in {consent.Revocation.StatusListCredential}, not in {statusList.Id}");
            }

            if (statusList.TryGetStatus(consent.Revocation, out var status) is var error && error != StatusListError.None)
            {
                throw new CliException(ExitCodes.UsageError, $"the consent's entry does not fit the list ({error})");
            }

            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), statusList.Issuer);
            using (key)
            {
                if (status == 0)
                {
                    var now = context.Time.GetUtcNow();
                    var updated = BitstringStatusList.CreateCredential(
                        statusList.Id, did.ToString(), statusList.StatusPurpose, statusList.Bitstring.With(consent.Revocation.StatusListIndex, 1), now,
                        statusList.Ttl ?? TimeSpan.FromMinutes(5));
                    await CredentialFiles.WriteAsync(context, EddsaJcs2022.Sign(updated, Options(did, key, now), key), listPath);
                }
            }

            if (parse.GetValue(publish))
            {
                if (read.Id is null)
                {
                    throw new CliException(ExitCodes.UsageError, "the consent has no id, so it cannot have been registered; publish the list with 'ehr status-list publish'");
                }

                var (publisher, publisherKey) = WalletKeys.SigningKey(context, parse.GetValue(wallet), statusList.Issuer);
                using (publisherKey)
                using (var client = ServiceClient.For(context, parse))
                {
                    var answer = ServiceClient.Json(await client.SendSignedAsync(
                        HttpMethod.Post, $"/consents/{(read.Id.IndexOfAny(['/', '?', '#', '%', ' ']) < 0 ? read.Id : Uri.EscapeDataString(read.Id))}/revocation", File.ReadAllBytes(listPath), "application/json", publisherKey,
                        WalletKeys.KeyId(publisher, publisherKey), cancellationToken));
                    await context.Output.WriteLineAsync(parse.GetValue(context.Json)
                        ? answer.ToJsonString(s_indented)
                        : answer["event"] is { } evt
                            ? $"revoked {read.Id} at the service; event {evt}, receipt: GET /log/receipts/{evt}"
                            : $"{read.Id} was already revoked at the service");
                    return;
                }
            }

            await context.Output.WriteLineAsync(status == 0
                ? $"revoked {read.Id} (entry {consent.Revocation.StatusListIndex} of {statusList.Id}); publish {listPath}"
                : $"{read.Id} was already revoked");
        }));
        return command;
    }

    private static ProofOptions Options(Did did, Identity.Keys.PrivateKey key, DateTimeOffset now) =>
        new($"{did}#{key.PublicKey.ExportMultikey()}", ProofOptions.AssertionMethod, now);

    /// <summary>Runs a command body, turning the expected failures into one line and an exit code.</summary>
    internal static async Task<int> RunAsync(CliContext context, Func<Task> body)
    {
        try
        {
            await body();
            return ExitCodes.Success;
        }
        catch (CliException e)
        {
            return await context.FailAsync(e.ExitCode, e.Message);
        }
        catch (WalletException e)
        {
            return await context.FailAsync(ExitCodes.UsageError, e.Message);
        }
    }
}
