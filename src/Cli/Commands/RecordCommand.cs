using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Cli.Commands;

/// <summary>
/// <c>ehr record put|erase|get</c>: store a FHIR record for a patient and erase records, signed by a wallet DID; open a released
/// record locally with the wallet's key-agreement key (specs/vault.md).
/// </summary>
internal static class RecordCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var signer = WalletKeys.SignerOption();
        return new Command("record", "Encrypted FHIR records: store them for a patient, list them, read one (with consent, or break the glass), erase them.")
        {
            wallet, signer, PutCommand(context, wallet, signer), ListCommand(context, wallet, signer), EraseCommand(context, wallet, signer), GetCommand(context, wallet),
        };
    }

    private static Command PutCommand(CliContext context, Option<string> wallet, Option<string> signer)
    {
        var file = new Argument<string>("fhir.json") { Description = "The FHIR R4 resource or Bundle, as JSON ('-' reads standard input)." };
        var patient = new Option<string>("--patient") { Description = "The patient's DID the record is for (a new record)." };
        var record = new Option<string>("--record") { Description = "Store a new version of this record instead (its id; the patient stays the record's)." };
        var command = new Command("put", "Validate and store a FHIR R4 record for a patient, signed by your wallet DID (the author); prints its id, version and receipt.")
        {
            file, patient, record,
        };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var patientText = parse.GetValue(patient);
            var recordId = parse.GetValue(record);
            if ((patientText is null) == (recordId is null))
            {
                throw new CliException(ExitCodes.UsageError, "give either --patient <DID> (a new record) or --record <id> (a new version)");
            }

            if (patientText is not null && !Did.TryParse(patientText, out _, out _))
            {
                throw new CliException(ExitCodes.UsageError, "--patient must be a DID");
            }

            if (recordId is not null && !Guid.TryParseExact(recordId, "D", out _))
            {
                throw new CliException(ExitCodes.UsageError, "--record must be a record id (a UUID)");
            }

            var path = parse.GetValue(file)!;
            var body = CredentialFiles.ReadBytes(path, RecordVault.MaxRecordBytes);
            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                var answer = recordId is null
                    ? await client.SendSignedAsync(HttpMethod.Post, $"/records?patient={patientText}", body, "application/fhir+json", key, WalletKeys.KeyId(did, key), cancellationToken)
                    : await client.SendSignedAsync(HttpMethod.Put, $"/records/{recordId}", body, "application/fhir+json", key, WalletKeys.KeyId(did, key), cancellationToken);
                var stored = ServiceClient.Json(answer);
                if (parse.GetValue(context.Json))
                {
                    await context.Output.WriteLineAsync(stored.ToJsonString(s_indented));
                    return;
                }

                await context.Output.WriteLineAsync($"record:       {stored["record"]}");
                await context.Output.WriteLineAsync($"version:      {stored["version"]}");
                await context.Output.WriteLineAsync($"patient:      {stored["patient"]}");
                await context.Output.WriteLineAsync($"type:         {stored["resourceType"]} ({stored["recordType"]})");
                await context.Output.WriteLineAsync($"ciphertext:   {stored["contentId"]} ({stored["length"]} bytes)");
                await context.Output.WriteLineAsync($"event:        {stored["event"]} (leaf {stored["position"]}; its receipt: GET {stored["receipt"]})");
            }
        }));
        return command;
    }

    private static Command EraseCommand(CliContext context, Option<string> wallet, Option<string> signer)
    {
        var record = new Argument<string?>("record") { Description = "The record's id.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Erase every record of your wallet DID (you, the patient)." };
        var command = new Command("erase", "Erase a record of yours, or all of them (crypto-shredding: keys and ciphertexts destroyed; the log keeps the event).")
        {
            record, all,
        };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var recordId = parse.GetValue(record);
            if ((recordId is null) != parse.GetValue(all))
            {
                throw new CliException(ExitCodes.UsageError, "give a record id, or --all for every record of your DID");
            }

            if (recordId is not null && !Guid.TryParseExact(recordId, "D", out _))
            {
                throw new CliException(ExitCodes.UsageError, "the record id must be a UUID");
            }

            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                var path = recordId is null ? $"/patients/{did}/records" : $"/records/{recordId}";
                var answer = ServiceClient.Json(await client.SendSignedAsync(HttpMethod.Delete, path, null, null, key, WalletKeys.KeyId(did, key), cancellationToken));
                if (parse.GetValue(context.Json))
                {
                    await context.Output.WriteLineAsync(answer.ToJsonString(s_indented));
                    return;
                }

                var erased = answer["records"] as JsonArray ?? throw new CliException(ExitCodes.Unavailable, "the service's answer has no records list");
                foreach (var item in erased)
                {
                    await context.Output.WriteLineAsync($"erased {item!["record"]}  (event {item["event"]}, leaf {item["position"]})");
                }

                await context.Output.WriteLineAsync($"{erased.Count} record(s), {answer["versions"]} version(s): keys and ciphertexts destroyed");
            }
        }));
        return command;
    }

    private static Command GetCommand(CliContext context, Option<string> wallet)
    {
        var source = new Argument<string>("record")
        {
            Description = "The record's id (asks the service, presenting --consent), or a release document the service answered with ('-' reads standard input).",
        };
        var consent = new Option<string>("--consent") { Description = "The patient's consent credential to present (with a record id; without one the service refuses, and logs it)." };
        var accreditation = new Option<string>("--accreditation")
        {
            Description = "Break the glass instead: present this EmergencyAccessAccreditation (no consent); needs --reason. Logged as EmergencyAccess, shown to the patient.",
        };
        var reason = new Option<string>("--reason")
        {
            Description = "With --accreditation: why (kept only as a hash in the log). '-' reads it from standard input, so it stays out of the shell history and 'ps'.",
        };
        var purpose = new Option<string>("--purpose") { Description = "The HL7 v3 purpose of use: TREAT by default; ETREAT (default) or BTG with --accreditation." };
        var version = new Option<int?>("--version") { Description = "The version to read (default: the latest)." };
        var output = new Option<string>("--out") { Description = "Write the record to this file (default: print it)." };
        var command = new Command(
            "get",
            "Read a record: present the patient's consent for a challenge, receive the release, and open it with your wallet's key-agreement key " +
            "(checks the content id, decrypts the key and the record). Or open a release document you already have.")
        {
            source, consent, accreditation, reason, purpose, version, output,
        };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var argument = parse.GetValue(source)!;
            byte[] document;
            string origin;
            if (Guid.TryParseExact(argument, "D", out _))
            {
                if (parse.GetValue(accreditation) is not null && parse.GetValue(consent) is not null)
                {
                    throw new CliException(ExitCodes.UsageError, "give --consent (read with the patient's consent) or --accreditation (break the glass), not both");
                }

                document = parse.GetValue(accreditation) is { } accreditationPath
                    ? await EmergencyAsync(context, parse, wallet, argument, accreditationPath, parse.GetValue(reason), parse.GetValue(purpose) ?? "ETREAT", parse.GetValue(version), cancellationToken)
                    : await AccessAsync(context, parse, wallet, argument, parse.GetValue(consent), parse.GetValue(purpose) ?? "TREAT", parse.GetValue(version), cancellationToken);
                origin = $"record {argument}";
            }
            else
            {
                document = CredentialFiles.ReadBytes(argument, RecordRelease.MaxDocumentLength);
                origin = argument;
            }

            if (!RecordRelease.TryParse(document, out var release, out var error))
            {
                throw new CliException(ExitCodes.UsageError, $"{origin}: not a release document ({error})");
            }

            // The JWE names the key it was wrapped to; the wallet holds the Ed25519 key whose X25519 twin that is (did:key).
            var kid = IdentityEhr.Credentials.Jose.CompactJwe.ReadKeyId(release.Jwe);
            if (!DidUrl.TryParse(kid, out var keyId, out _))
            {
                throw new CliException(ExitCodes.CheckFailed, $"{origin}: the key was not wrapped to a DID key (no kid)");
            }

            var (_, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), keyId.Did.ToString());
            byte[] plaintext;
            using (key)
            using (var agreement = key.ToX25519())
            {
                var opened = release.TryOpen(agreement, out plaintext);
                if (opened != RecordOpenError.None)
                {
                    throw new CliException(ExitCodes.CheckFailed, opened switch
                    {
                        RecordOpenError.CiphertextAltered => "the ciphertext does not match its content id: it was altered",
                        RecordOpenError.WrongRecipientKey => $"the key was not released to {keyId.Did} (or the JWE was altered)",
                        RecordOpenError.MalformedKey => "the released key is not an AES-256-GCM key",
                        _ => "the ciphertext does not open for this record id, patient, resource type and version: wrong associated data",
                    });
                }
            }

            if (parse.GetValue(output) is { } target)
            {
                await File.WriteAllBytesAsync(target, plaintext, cancellationToken);
                await context.Output.WriteLineAsync($"record {release.Record.RecordId} version {release.Record.Version} ({release.Record.ResourceType}, {plaintext.Length} bytes) written to {target}");
            }
            else
            {
                await context.Output.WriteAsync(System.Text.Encoding.UTF8.GetString(plaintext));
            }
        }));
        return command;
    }

    /// <summary>The consent flow: a challenge, a presentation of the consent signed by the wallet's DID, the release document.</summary>
    private static async Task<byte[]> AccessAsync(
        CliContext context, ParseResult parse, Option<string> wallet, string recordId, string? consentPath, string purpose, int? version, CancellationToken cancellationToken)
    {
        // Without a consent the presentation carries none: the service refuses (NoConsent) and logs the attempt.
        var consent = consentPath is null ? null : CredentialFiles.ReadObject(consentPath);
        using var client = ServiceClient.For(context, parse);
        var (nonce, domain) = await ChallengeAsync(client, cancellationToken);

        // The holder is the consent's grantee: the wallet DID the patient named.
        var grantee = consent?["credentialSubject"] is JsonObject subject && subject["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : null;
        var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), grantee);
        using (key)
        {
            var presentation = PresentationCommand.Sign(context, did, key, consent is null ? [] : [consent], nonce, domain);
            var request = new JsonObject { ["presentation"] = presentation, ["purpose"] = purpose };
            if (version is { } v)
            {
                request["version"] = v;
            }

            return await client.PostAsync($"/records/{recordId}/access", JsonSerializer.SerializeToUtf8Bytes(request), cancellationToken);
        }
    }

    /// <summary>Break-glass: a challenge, a presentation of the accreditation signed by the wallet DID it names, the release document.</summary>
    private static async Task<byte[]> EmergencyAsync(
        CliContext context, ParseResult parse, Option<string> wallet, string recordId, string accreditationPath, string? reason, string purpose, int? version,
        CancellationToken cancellationToken)
    {
        if (reason == "-")
        {
            reason = System.Text.Encoding.UTF8.GetString(CredentialFiles.ReadBytes("-", 4 * 1000)).Trim();
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            throw new CliException(ExitCodes.UsageError, "--accreditation needs --reason: why the glass is broken (1 to 1000 characters)");
        }

        if (purpose is not ("ETREAT" or "BTG"))
        {
            throw new CliException(ExitCodes.UsageError, "emergency access is for purpose ETREAT or BTG");
        }

        var accreditation = CredentialFiles.ReadObject(accreditationPath);
        using var client = ServiceClient.For(context, parse);
        var (nonce, domain) = await ChallengeAsync(client, cancellationToken);
        var provider = accreditation["credentialSubject"] is JsonObject subject && subject["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : null;
        var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), provider);
        using (key)
        {
            var presentation = PresentationCommand.Sign(context, did, key, [accreditation], nonce, domain);
            var request = new JsonObject { ["presentation"] = presentation, ["purpose"] = purpose, ["reason"] = reason };
            if (version is { } v)
            {
                request["version"] = v;
            }

            return await client.PostAsync($"/records/{recordId}/emergency-access", JsonSerializer.SerializeToUtf8Bytes(request), cancellationToken);
        }
    }

    private static async Task<(string Nonce, string Domain)> ChallengeAsync(ServiceClient client, CancellationToken cancellationToken)
    {
        var challenge = ServiceClient.Json(await client.PostAsync("/access/challenges", "{}"u8.ToArray(), cancellationToken));
        return challenge["challenge"]?.GetValue<string>() is { } nonce && challenge["domain"]?.GetValue<string>() is { } domain
            ? (nonce, domain)
            : throw new CliException(ExitCodes.Unavailable, "the service's challenge has no challenge or domain");
    }

    private static Command ListCommand(CliContext context, Option<string> wallet, Option<string> signer)
    {
        var patient = new Option<string>("--patient") { Description = "The patient whose records to list (default: your wallet DID, the patient; a provider sees the ones it stored)." };
        var command = new Command("list", "List a patient's stored record versions: metadata only (id, version, type, author, ciphertext id, event).") { patient };
        command.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            using (var client = ServiceClient.For(context, parse))
            {
                var whose = parse.GetValue(patient) ?? did.ToString();
                if (!Did.TryParse(whose, out _, out _))
                {
                    throw new CliException(ExitCodes.UsageError, "--patient must be a DID");
                }

                var body = await client.SendSignedAsync(HttpMethod.Get, $"/patients/{whose}/records", null, null, key, WalletKeys.KeyId(did, key), cancellationToken);
                var records = JsonNode.Parse(body) as JsonArray ?? throw new CliException(ExitCodes.Unavailable, "the service's answer is not a list");
                if (parse.GetValue(context.Json))
                {
                    await context.Output.WriteLineAsync(records.ToJsonString(s_indented));
                    return;
                }

                foreach (var r in records)
                {
                    await context.Output.WriteLineAsync($"{r!["record"]}  v{r["version"]}  {r["resourceType"]} ({r["recordType"]})  by {r["author"]}  {r["storedAt"]}  event {r["event"]}");
                }

                await context.Output.WriteLineAsync($"{records.Count} version(s)");
            }
        }));
        return command;
    }
}
