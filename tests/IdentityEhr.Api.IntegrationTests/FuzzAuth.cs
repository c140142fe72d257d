namespace IdentityEhr.Api.IntegrationTests;

/// <summary>What a fuzzed request sends as <c>Authorization</c>; proofs are signed when the request is sent, so their time is fresh.</summary>
internal enum FuzzAuth
{
    /// <summary>No header.</summary>
    None,

    /// <summary>The literal text in <see cref="FuzzRequest.Authorization"/>: garbage, malformed or unsigned JWS, other schemes.</summary>
    Literal,

    /// <summary>A valid proof for exactly this request by the provider (who stored the record but is not its patient).</summary>
    Provider,

    /// <summary>A valid proof for exactly this request by a stranger who owns nothing.</summary>
    Stranger,

    /// <summary>The provider's proof for another URL.</summary>
    OtherUrl,

    /// <summary>The provider's proof for another method.</summary>
    OtherMethod,

    /// <summary>The provider's proof for another body.</summary>
    OtherBody,

    /// <summary>The provider's proof issued ten minutes ago.</summary>
    Expired,

    /// <summary>The provider's proof issued ten minutes ahead.</summary>
    NotYetValid,

    /// <summary>The provider's valid proof, sent twice.</summary>
    Replayed,

    /// <summary>The provider's claims and key id, signed by the stranger's key.</summary>
    Forged,

    /// <summary>A key id under the provider's DID that its document does not have, signed by that key.</summary>
    KeyNotInDocument,

    /// <summary>The provider's valid proof with one character of its signature changed.</summary>
    TamperedSignature,
}
