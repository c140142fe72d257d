using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Consents;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Api.Access;

/// <summary>The service's consent verifier: its challenges, the status lists it hosts, and the domain presentations are signed for.</summary>
internal sealed class AccessVerifier
{
    /// <summary>The domain when <c>EHR_PUBLIC_URL</c> is unset.</summary>
    public const string DefaultDomain = "identityehr.localhost";

    /// <summary>How long a challenge may be used.</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    private readonly ChallengeRegistry _challenges;
    private readonly TimeProvider _time;

    public AccessVerifier(DidResolver resolver, HostedStatusLists statusLists, PublicOrigin origin, AccreditorOptions accreditors, TimeProvider time)
    {
        _time = time;
        _challenges = new ChallengeRegistry(time, ChallengeLifetime);
        Domain = origin.Url?.Host ?? DefaultDomain;
        Verifier = new ConsentVerifier(resolver, _challenges, statusLists, new VerifierOptions(Domain) { TrustedAccreditors = accreditors.Accreditors }, time);
    }

    /// <summary>Gets the domain presentations must be signed for.</summary>
    public string Domain { get; }

    /// <summary>Gets the verifier.</summary>
    public ConsentVerifier Verifier { get; }

    /// <summary>Issues a challenge.</summary>
    public ChallengeResponse NewChallenge() => new(_challenges.Issue(), Domain, _time.GetUtcNow() + ChallengeLifetime);
}

/// <summary>A challenge to sign a presentation for.</summary>
/// <param name="Challenge">The single-use challenge.</param>
/// <param name="Domain">The domain.</param>
/// <param name="ExpiresAt">Until when it may be used.</param>
internal sealed record ChallengeResponse(string Challenge, string Domain, DateTimeOffset ExpiresAt);
