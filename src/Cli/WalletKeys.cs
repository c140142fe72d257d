using System.CommandLine;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Wallets;

namespace IdentityEhr.Cli;

/// <summary>Takes a private key out of the wallet for one operation.</summary>
internal static class WalletKeys
{
    /// <summary>Unseals the secp256k1 key of a wallet DID and returns its 32-byte secret; the caller clears it.</summary>
    public static byte[] Secp256k1Secret(CliContext context, string? walletPath, string didText)
    {
        if (!Did.TryParse(didText, out var did, out _))
        {
            throw new CliException(ExitCodes.UsageError, $"'{(didText.Length <= 80 ? didText : didText[..80] + "…")}' is not a DID");
        }

        var file = new WalletFile(context, walletPath);
        var (wallet, sealer) = file.Open(createIfMissing: false);
        using (sealer)
        {
            var entry = wallet.Find(did) ?? throw new CliException(ExitCodes.UsageError, $"the wallet at {file.Path} holds no key for {did}");
            if (entry.PublicKey.Type != KeyType.Secp256k1)
            {
                throw new CliException(ExitCodes.UsageError, $"{did} has a {entry.PublicKey.Type} key; Ethereum transactions need a secp256k1 key (ehr did create --type secp256k1)");
            }

            using var key = KeyWallet.Unseal(entry, sealer);
            return key.ExportSecret();
        }
    }

    /// <summary>
    /// Unseals the Ed25519 key that signs credentials and presentations: the given DID's, or the wallet's current DID (the
    /// most recently created Ed25519 one) when none is given. The caller disposes the key.
    /// </summary>
    public static (Did Did, PrivateKey Key) SigningKey(CliContext context, string? walletPath, string? didText)
    {
        Did? did = null;
        if (didText is not null && !Did.TryParse(didText, out did, out _))
        {
            throw new CliException(ExitCodes.UsageError, $"'{(didText.Length <= 80 ? didText : didText[..80] + "…")}' is not a DID");
        }

        var file = new WalletFile(context, walletPath);
        var (wallet, sealer) = file.Open(createIfMissing: false);
        using (sealer)
        {
            var entry = did is null
                ? wallet.Entries.Where(e => e.PublicKey.Type == KeyType.Ed25519).MaxBy(e => e.Created)
                    ?? throw new CliException(ExitCodes.UsageError, $"the wallet at {file.Path} holds no Ed25519 DID; create one with 'ehr did create'")
                : wallet.Find(did) ?? throw new CliException(ExitCodes.UsageError, $"the wallet at {file.Path} holds no key for {did}");
            if (entry.PublicKey.Type != KeyType.Ed25519)
            {
                throw new CliException(ExitCodes.UsageError, $"{entry.Did} has a {entry.PublicKey.Type} key; eddsa-jcs-2022 signs with Ed25519 (ehr did create --type ed25519)");
            }

            return (entry.Did, KeyWallet.Unseal(entry, sealer));
        }
    }

    /// <summary>The key id a wallet DID signs with: the DID and its key's Multikey fragment (did:key).</summary>
    public static string KeyId(Did did, PrivateKey key) => $"{did}#{key.PublicKey.ExportMultikey()}";

    /// <summary>The <c>--wallet</c> option of a command group, for all its subcommands.</summary>
    public static Option<string> WalletOption() =>
        new("--wallet") { Description = "The wallet file (default: EHR_WALLET, or ~/.config/identityehr/wallet.json).", Recursive = true };

    /// <summary>The <c>--did</c> option naming the wallet DID that signs.</summary>
    public static Option<string> SignerOption() =>
        new("--did") { Description = "The wallet DID that signs (default: the most recently created Ed25519 DID).", Recursive = true };
}
