namespace IdentityEhr.Credentials.DataIntegrity;

/// <summary>What a new proof states besides its value (VC Data Integrity 1.0 §2.1).</summary>
/// <param name="VerificationMethod">The DID URL of the signing key.</param>
/// <param name="ProofPurpose"><c>assertionMethod</c> for credentials, <c>authentication</c> for presentations.</param>
/// <param name="Created">When the proof is made.</param>
public sealed record ProofOptions(string VerificationMethod, string ProofPurpose, DateTimeOffset? Created)
{
    /// <summary>The purpose of a credential's proof.</summary>
    public const string AssertionMethod = "assertionMethod";

    /// <summary>The purpose of a presentation's proof.</summary>
    public const string Authentication = "authentication";

    /// <summary>Gets the cryptosuite.</summary>
    public string Cryptosuite { get; init; } = EddsaJcs2022.Name;

    /// <summary>Gets when the proof stops being valid, if it should.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Gets the verifier's challenge the proof answers (presentations).</summary>
    public string? Challenge { get; init; }

    /// <summary>Gets the domain the proof is bound to (presentations).</summary>
    public string? Domain { get; init; }
}
