using System.Text;
using IdentityEhr.Identity.Wallets;

namespace IdentityEhr.Cli;

/// <summary>Where the CLI's wallet lives, how its passphrase is obtained, and how it is written (atomically, mode 0600).</summary>
internal sealed class WalletFile(CliContext context, string? pathOption)
{
    public string Path { get; } = System.IO.Path.GetFullPath(
        pathOption ?? context.Environment("EHR_WALLET") ?? System.IO.Path.Combine(ConfigDirectory(context), "identityehr", "wallet.json"));

    public bool Exists => File.Exists(Path);

    /// <summary>Opens the wallet, or creates an empty one when <paramref name="createIfMissing"/> and there is no file.</summary>
    public (KeyWallet Wallet, KeySealer Sealer) Open(bool createIfMissing)
    {
        if (!Exists)
        {
            if (!createIfMissing)
            {
                throw new CliException(ExitCodes.UsageError, $"no wallet at {Path} (create one with 'ehr did create', or set EHR_WALLET)");
            }

            var passphrase = Passphrase(confirm: true);
            var created = KeyWallet.CreateWithPassphrase(passphrase, parameters: null, out var newSealer);
            return (created, newSealer);
        }

        var info = new FileInfo(Path);
        if (info.Length > KeyWallet.MaxFileBytes)
        {
            throw new CliException(ExitCodes.UsageError, $"{Path} is larger than a wallet can be");
        }

        var wallet = KeyWallet.OpenWithPassphrase(File.ReadAllText(Path, Encoding.UTF8), Passphrase(confirm: false), out var sealer);
        return (wallet, sealer);
    }

    /// <summary>Writes the wallet: a temporary file with mode 0600, then an atomic rename over the old one.</summary>
    public void Save(KeyWallet wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(wallet.Serialize());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    private string Passphrase(bool confirm)
    {
        if (context.Environment("EHR_WALLET_PASSPHRASE") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (!ReferenceEquals(context.Output, Console.Out) || Console.IsInputRedirected)
        {
            throw new CliException(ExitCodes.UsageError, "the wallet needs a passphrase: set EHR_WALLET_PASSPHRASE or run in a terminal");
        }

        var first = Prompt($"Passphrase for {Path}: ");
        if (confirm && Prompt("Repeat the passphrase: ") != first)
        {
            throw new CliException(ExitCodes.UsageError, "the two passphrases differ");
        }

        if (first.Length == 0)
        {
            throw new CliException(ExitCodes.UsageError, "the passphrase must not be empty");
        }

        return first;
    }

    private static string Prompt(string question)
    {
        Console.Error.Write(question);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }

    private static string ConfigDirectory(CliContext context) =>
        context.Environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(context.Environment("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".config");
}
