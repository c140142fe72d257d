namespace IdentityEhr.Credentials.Verification;

/// <summary>How the consent verifier decides.</summary>
/// <param name="Domain">This service's domain: presentation proofs must name it.</param>
public sealed record VerifierOptions(string Domain)
{
    /// <summary>Gets how far clocks may disagree when comparing validity times.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the DIDs trusted to publish status lists besides the consent's own issuer (this service's DID).</summary>
    public IReadOnlyList<string> TrustedStatusListIssuers { get; init; } = [];

    /// <summary>Gets the DIDs whose <c>EmergencyAccessAccreditation</c> credentials allow break-glass access; none by default.</summary>
    public IReadOnlyList<string> TrustedAccreditors { get; init; } = [];

    /// <summary>Gets how long a status list without a <c>ttl</c> is cached.</summary>
    public TimeSpan DefaultStatusListTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the largest presentation accepted, in bytes.</summary>
    public int MaxPresentationBytes { get; init; } = 64 * 1024;
}
