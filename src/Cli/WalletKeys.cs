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
}
