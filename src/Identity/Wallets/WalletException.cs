namespace IdentityEhr.Identity.Wallets;

/// <summary>A wallet file is malformed, or the passphrase or master key does not open it.</summary>
public sealed class WalletException : IdentityException
{
    internal WalletException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
