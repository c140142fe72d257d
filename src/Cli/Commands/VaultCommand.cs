using System.CommandLine;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr vault rotate-key</c>: the operator starts a custody key rotation, which the service finishes at its next start.</summary>
internal static class VaultCommand
{
    public static Command Create(CliContext context)
    {
        var keyFile = new Option<string>("--key-file")
        {
            Description = "The custody key file (default: EHR_CUSTODY_KEY_FILE, else custody.key in EHR_DATA_DIR, else in .ehr).",
        };
        var rotate = new Command(
            "rotate-key",
            "Write a fresh custody key beside the current one (<file>.next). At its next start the service rewraps every record's data key " +
            "with it (ciphertexts untouched), puts it in place and clears the old key file (specs/vault.md).")
        {
            keyFile,
        };
        rotate.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            // The service's own defaults (specs/vault.md, README): EHR_CUSTODY_KEY_FILE, else custody.key in its data folder.
            var path = Path.GetFullPath(parse.GetValue(keyFile)
                ?? context.Environment(CustodyKeyFile.Variable)
                ?? Path.Combine(context.Environment(IdentityEhr.Embedded.EhrSettings.DataDirectoryVariable) ?? ".ehr", CustodyKeyFile.DefaultFileName));
            if (!File.Exists(path))
            {
                throw new CliException(ExitCodes.UsageError, $"{path}: no custody key file (the service makes it on first start)");
            }

            if (File.Exists(path + CustodyKeyFile.NextSuffix))
            {
                throw new CliException(ExitCodes.CheckFailed, $"{path}{CustodyKeyFile.NextSuffix} exists: a rotation is already waiting for the service to start");
            }

            string currentId;
            try
            {
                var ring = CustodyKeyFile.Load(path);
                currentId = ring.Current.Id;
                foreach (var id in ring.Ids)
                {
                    ring.Find(id)?.Dispose();
                }
            }
            catch (InvalidDataException e)
            {
                throw new CliException(ExitCodes.UsageError, e.Message);
            }

            using var next = CustodyKeyFile.BeginRotation(path);
            await context.Output.WriteLineAsync($"custody key {next.Id} written to {path}{CustodyKeyFile.NextSuffix} (replacing {currentId});");
            await context.Output.WriteLineAsync("restart the service: it rewraps every data key with the new key, then clears the old key file");
        }));
        return new Command("vault", "The record vault's custody key (operator).") { rotate };
    }
}
