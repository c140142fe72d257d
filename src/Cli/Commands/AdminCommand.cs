using System.CommandLine;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Emergency;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Cli.Commands;

/// <summary>
/// <c>ehr admin accredit</c>: the accreditor signs an <c>EmergencyAccessAccreditation</c> for a provider, which the service
/// accepts for break-glass access when the accreditor is one of its <c>EHR_ACCREDITORS</c> (or, on the embedded defaults, the
/// development accreditor whose key the service keeps in <c>&lt;data dir&gt;/accreditor.key</c>). Contracts are deployed with
/// <c>ehr chain deploy</c>, the custody key rotated with <c>ehr vault rotate-key</c>.
/// </summary>
internal static class AdminCommand
{
    /// <summary>The development accreditor's key file under the service's default data folder.</summary>
    public const string DefaultKeyFile = ".ehr/accreditor.key";

    public static Command Create(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var subject = new Option<string>("--subject") { Description = "The provider DID to accredit.", Required = true };
        var keyFile = new Option<string>("--key-file")
        {
            Description = $"The accreditor's Ed25519 Multikey private key file (default: the development accreditor, EHR_DATA_DIR/accreditor.key or {DefaultKeyFile}).",
        };
        var signer = new Option<string>("--did") { Description = "Sign with this wallet DID instead of a key file (an accreditor listed in EHR_ACCREDITORS)." };
        var days = new Option<int>("--days") { Description = "How many days it is valid (1 to 366).", DefaultValueFactory = _ => 30 };
        var purposes = new Option<string[]>("--purpose") { Description = "ETREAT and/or BTG (repeatable; default both).", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--out") { Description = "Write the credential to this file (default: print it)." };
        var accredit = new Command("accredit", "Sign an EmergencyAccessAccreditation for a provider, allowing break-glass access (purpose ETREAT/BTG, with a stated reason) at services that trust you.")
        {
            subject, keyFile, signer, days, purposes, output,
        };
        accredit.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            if (!Did.TryParse(parse.GetValue(subject), out var provider, out _))
            {
                throw new CliException(ExitCodes.UsageError, "--subject is not a DID");
            }

            if (parse.GetValue(days) is < 1 or > 366)
            {
                throw new CliException(ExitCodes.UsageError, "--days must be from 1 to 366");
            }

            var (did, key) = parse.GetValue(signer) is { } walletDid
                ? WalletKeys.SigningKey(context, parse.GetValue(wallet), walletDid)
                : FromFile(parse.GetValue(keyFile) ?? DevKeyFile(context));
            using (key)
            {
                var now = context.Time.GetUtcNow();
                var chosen = parse.GetValue(purposes) is { Length: > 0 } given ? given : [.. AccreditationCredential.EmergencyPurposes];
                System.Text.Json.Nodes.JsonObject credential;
                try
                {
                    credential = AccreditationCredential.Create($"urn:uuid:{Guid.NewGuid()}", did, provider, chosen, now, now.AddDays(parse.GetValue(days)));
                }
                catch (ArgumentException e)
                {
                    throw new CliException(ExitCodes.UsageError, e.Message);
                }

                var options = new ProofOptions(WalletKeys.KeyId(did, key), ProofOptions.AssertionMethod, now);
                await CredentialFiles.WriteAsync(context, EddsaJcs2022.Sign(credential, options, key), parse.GetValue(output));
            }
        }));
        return new Command("admin", "Operator commands: accredit providers for emergency access (contracts: 'ehr chain deploy'; custody key: 'ehr vault rotate-key').")
        {
            wallet, accredit,
        };
    }

    /// <summary>Where the embedded defaults keep the development accreditor's key.</summary>
    public static string DevKeyFile(CliContext context) =>
        context.Environment("EHR_DATA_DIR") is { Length: > 0 } data ? Path.Combine(data, "accreditor.key") : DefaultKeyFile;

    /// <summary>Reads an Ed25519 Multikey private key file; its did:key is the signer.</summary>
    public static (Did Did, PrivateKey Key) FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.UsageError, $"{path}: no such file (the service creates it on first start with the embedded defaults; run this where you ran the service, or give --key-file)");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Unavailable, $"{path}: permission denied");
        }

        if (!PrivateKey.TryImportMultikey(text, out var key, out _) || key.Type != KeyType.Ed25519)
        {
            key?.Dispose();
            throw new CliException(ExitCodes.UsageError, $"{path} does not hold an Ed25519 Multikey private key");
        }

        return (DidKey.Create(key.PublicKey), key);
    }
}
