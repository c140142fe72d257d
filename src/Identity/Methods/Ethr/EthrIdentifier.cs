using System.Diagnostics.CodeAnalysis;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Methods.Ethr;

/// <summary>The parts of a did:ethr: the network it names and the identity, an address or a compressed secp256k1 key.</summary>
/// <remarks>
/// did:ethr method spec §"DID Method Name"/"Method Specific Identifier": <c>did:ethr:[network:](0x + 40 hex | 0x + 66 hex)</c>.
/// No network means mainnet; a network is a configured name or <c>0x</c> + the chain id in hex. Case-insensitive hex.
/// </remarks>
/// <param name="Network">The network id as written (<c>mainnet</c> when omitted).</param>
/// <param name="Address">The identity address (for a public-key DID, the key's address).</param>
/// <param name="PublicKey">The compressed public key of a public-key DID, or <see langword="null"/>.</param>
public sealed record EthrIdentifier(string Network, Address Address, byte[]? PublicKey)
{
    /// <summary>The method name.</summary>
    public const string MethodName = "ethr";

    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Parses the method-specific id of a did:ethr.</summary>
    /// <param name="did">The DID.</param>
    /// <param name="identifier">The parts when the DID is a did:ethr.</param>
    /// <param name="reason">Why it is not, otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the DID is a syntactically valid did:ethr; otherwise <see langword="false"/>.</returns>
    public static bool TryParse(Did did, [NotNullWhen(true)] out EthrIdentifier? identifier, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(did);
        identifier = null;
        if (did.Method != MethodName)
        {
            reason = "the DID is not a did:ethr";
            return false;
        }

        var id = did.MethodSpecificId;
        var colon = id.LastIndexOf(':');
        var network = colon < 0 ? "mainnet" : id[..colon];
        var key = colon < 0 ? id : id[(colon + 1)..];
        if (network.Length == 0 || network.Contains(':', StringComparison.Ordinal))
        {
            reason = "the network must be one name or chain id before the address";
            return false;
        }

        if (key.Length == 42 && key.StartsWith("0x", StringComparison.Ordinal) && Address.TryParse(key.ToLowerInvariant(), out var address))
        {
            identifier = new EthrIdentifier(network, address, null);
            reason = null;
            return true;
        }

        if (key.Length == 68 && key.StartsWith("0x", StringComparison.Ordinal) && key.AsSpan(2).ContainsAnyExcept(s_hexDigits) is false
            && Convert.FromHexString(key.AsSpan(2)) is var bytes
            && Secp256k1.TryCompress(bytes, out var compressed) && compressed.AsSpan().SequenceEqual(bytes))
        {
            identifier = new EthrIdentifier(network, Address.FromPublicKey(compressed), compressed);
            reason = null;
            return true;
        }

        reason = "the identifier must be 0x and 40 hex digits (an address) or 0x and 66 hex digits (a compressed secp256k1 key on the curve)";
        return false;
    }
}
