using System.Diagnostics.CodeAnalysis;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.Storage.Vault;

/// <summary>Whom a record's key is released to: an X25519 key under the requester's <c>keyAgreement</c>, and its DID URL.</summary>
/// <param name="Key">The X25519 public key.</param>
/// <param name="KeyId">The key's DID URL, written as the JWE's <c>kid</c> so the requester picks its key.</param>
public sealed record RecordRecipient(PublicKey Key, string KeyId)
{
    /// <summary>Picks the first X25519 key the document authorizes for <c>keyAgreement</c>.</summary>
    /// <param name="document">The requester's resolved DID document.</param>
    /// <param name="recipient">The recipient, when one was found.</param>
    /// <returns><see langword="false"/> when the document has no usable X25519 key-agreement key.</returns>
    public static bool TryFromDocument(DidDocument document, [NotNullWhen(true)] out RecordRecipient? recipient)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var method in document.MethodsFor(VerificationRelationship.KeyAgreement))
        {
            if (method.TryGetPublicKey(out var key, out _) && key.Type == KeyType.X25519)
            {
                recipient = new RecordRecipient(key, method.Id.ToString());
                return true;
            }
        }

        recipient = null;
        return false;
    }
}
