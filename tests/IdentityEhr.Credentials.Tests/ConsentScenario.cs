using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;
using IdentityEhr.Testing;

namespace IdentityEhr.Credentials.Tests;

/// <summary>
/// A patient who consents, a provider who presents, and the service that hosts the status list, all did:key with real
/// Ed25519 keys; synthetic data only. Each test changes one thing and expects exactly its reason.
/// </summary>
public sealed class ConsentScenario : IDisposable
{
    public const string Domain = "ehr.example";
    public const string StatusListUrl = "https://ehr.example/status/1";
    public const int StatusIndex = 7;

    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture);

    public ConsentScenario()
    {
        Clock = new FixedTimeProvider(Now);
        Challenges = new ChallengeRegistry(Clock, TimeSpan.FromMinutes(5));
        Resolver = new DidResolver([new DidKey()], Clock);
        Lists = new StatusListStore();
        PublishStatusList(Bitstring.Create());
        Verifier = new ConsentVerifier(Resolver, Challenges, Lists, new VerifierOptions(Domain) { TrustedStatusListIssuers = [ServiceDid.ToString()] }, Clock);
    }

    public PrivateKey Patient { get; } = PrivateKey.Generate(KeyType.Ed25519);

    public PrivateKey Provider { get; } = PrivateKey.Generate(KeyType.Ed25519);

    public PrivateKey Service { get; } = PrivateKey.Generate(KeyType.Ed25519);

    public Did PatientDid => DidKey.Create(Patient.PublicKey);

    public Did ProviderDid => DidKey.Create(Provider.PublicKey);

    public Did ServiceDid => DidKey.Create(Service.PublicKey);

    public FixedTimeProvider Clock { get; }

    public ChallengeRegistry Challenges { get; }

    public DidResolver Resolver { get; }

    public StatusListStore Lists { get; }

    public ConsentVerifier Verifier { get; }

    public AccessRequest Request => new(PatientDid, "Observation", "obs-1", PurposeOfUse.Treatment);

    public static string MethodOf(PrivateKey key) => $"did:key:{key.PublicKey.ExportMultikey()}#{key.PublicKey.ExportMultikey()}";

    /// <summary>The did:key's X25519 key-agreement method: listed, but not under authentication or assertionMethod.</summary>
    public static string KeyAgreementMethodOf(PrivateKey key) =>
        $"did:key:{key.PublicKey.ExportMultikey()}#{key.PublicKey.ToX25519().ExportMultikey()}";

    public void PublishStatusList(Bitstring bits)
    {
        var unsecured = BitstringStatusList.CreateCredential(StatusListUrl, ServiceDid.ToString(), BitstringStatusListEntry.Revocation, bits, Now.AddDays(-30), TimeSpan.FromMinutes(5));
        Lists.Put(StatusListUrl, EddsaJcs2022.Sign(unsecured, new ProofOptions(MethodOf(Service), ProofOptions.AssertionMethod, Now.AddDays(-30)), Service));
    }

    public JsonObject UnsignedConsent(Did? issuer = null, Did? grantee = null, DateTimeOffset? validFrom = null, DateTimeOffset? validUntil = null) =>
        ConsentCredential.Create(
            "urn:uuid:0b7f0d2e-8a3c-4c55-9a54-0c3e2c0f1a11",
            issuer ?? PatientDid,
            grantee ?? ProviderDid,
            new ConsentScope(["Observation", "Condition"], []),
            [PurposeOfUse.Treatment, PurposeOfUse.EmergencyTreatment],
            validFrom ?? Now.AddDays(-1),
            validUntil ?? Now.AddDays(30),
            new BitstringStatusListEntry($"{StatusListUrl}#{StatusIndex}", BitstringStatusListEntry.Revocation, StatusIndex, StatusListUrl));

    public JsonObject Consent(PrivateKey? signer = null, string? method = null, JsonObject? unsecured = null) =>
        EddsaJcs2022.Sign(unsecured ?? UnsignedConsent(), new ProofOptions(method ?? MethodOf(signer ?? Patient), ProofOptions.AssertionMethod, Now.AddDays(-1)), signer ?? Patient);

    public JsonObject Presentation(
        JsonObject? consent = null, PrivateKey? signer = null, string? method = null, string? challenge = null, string? domain = Domain,
        Did? holder = null, DateTimeOffset? expires = null)
    {
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = (holder ?? DidKey.Create((signer ?? Provider).PublicKey)).ToString(),
            ["verifiableCredential"] = new JsonArray(consent ?? Consent()),
        };
        var options = new ProofOptions(method ?? MethodOf(signer ?? Provider), ProofOptions.Authentication, Clock.GetUtcNow())
        {
            Challenge = challenge ?? Challenges.Issue(),
            Domain = domain,
            Expires = expires,
        };
        return EddsaJcs2022.Sign(presentation, options, signer ?? Provider);
    }

    /// <summary>The consent secured as <c>vc+jwt</c>, wrapped as an EnvelopedVerifiableCredential.</summary>
    public JsonObject EnvelopedConsent(PrivateKey? signer = null, string? method = null, JsonObject? unsecured = null) => new()
    {
        ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
        ["id"] = "data:application/vc+jwt," + JoseCredentials.SignCredential(unsecured ?? UnsignedConsent(), signer ?? Patient, method ?? MethodOf(signer ?? Patient)),
        ["type"] = "EnvelopedVerifiableCredential",
    };

    /// <summary>A <c>vp+jwt</c> presentation carrying the given credential (by default the enveloped consent).</summary>
    public string JosePresentation(JsonObject? credential = null, PrivateKey? signer = null, string? method = null, string? challenge = null, string domain = Domain)
    {
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = DidKey.Create((signer ?? Provider).PublicKey).ToString(),
            ["verifiableCredential"] = new JsonArray(credential ?? EnvelopedConsent()),
        };
        return JoseCredentials.SignPresentation(presentation, signer ?? Provider, method ?? MethodOf(signer ?? Provider), challenge ?? Challenges.Issue(), domain);
    }

    public Task<AccessDecision> DecideAsync(string compactPresentation, AccessRequest? request = null) =>
        Verifier.VerifyAsync(System.Text.Encoding.ASCII.GetBytes(compactPresentation), request ?? Request, TestContext.Current.CancellationToken).AsTask();

    public Task<AccessDecision> DecideAsync(JsonObject presentation, AccessRequest? request = null) =>
        Verifier.VerifyAsync(JsonSerializer.SerializeToUtf8Bytes(presentation), request ?? Request, TestContext.Current.CancellationToken).AsTask();

    public void Dispose()
    {
        Patient.Dispose();
        Provider.Dispose();
        Service.Dispose();
    }

    /// <summary>Status list credentials by URL, as the service's store holds them.</summary>
    public sealed class StatusListStore : IStatusListSource
    {
        private readonly Dictionary<string, byte[]> _lists = new(StringComparer.Ordinal);

        public int Fetches { get; private set; }

        public void Put(string url, JsonObject credential) => _lists[url] = JsonSerializer.SerializeToUtf8Bytes(credential);

        public ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken)
        {
            Fetches++;
            return ValueTask.FromResult(_lists.GetValueOrDefault(url));
        }
    }
}
