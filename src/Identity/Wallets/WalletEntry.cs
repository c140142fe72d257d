using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.Identity.Wallets;

/// <summary>One key in a wallet: the DID it controls, its public key, and the sealed private key.</summary>
/// <param name="Did">The DID.</param>
/// <param name="PublicKey">The public key.</param>
/// <param name="Label">A name the owner gave it, if any.</param>
/// <param name="Created">When it was added.</param>
/// <param name="SealedKey">The private key, sealed (see <see cref="KeySealer"/>).</param>
public sealed record WalletEntry(Did Did, PublicKey PublicKey, string? Label, DateTimeOffset Created, string SealedKey);
