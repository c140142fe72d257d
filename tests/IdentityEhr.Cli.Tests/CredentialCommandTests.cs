using System.Text.Json;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Cli.Tests;

/// <summary><c>ehr status-list create</c>, <c>consent issue|revoke</c>, <c>vp create</c> and <c>vc verify</c> as a patient and a provider would run them.</summary>
public sealed class CredentialCommandTests : IDisposable
{
    private const string ListUrl = "https://ehr.example/status/1";
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-cli-consent-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private async Task<(int Exit, string Output, string Error)> RunAsync(string wallet, params string[] args)
    {
        _output.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        var environment = new Dictionary<string, string> { ["EHR_WALLET"] = PathOf(wallet), ["EHR_WALLET_PASSPHRASE"] = "synthetic" };
        var exit = await new CliApp(_output, _error, name => environment.GetValueOrDefault(name)).RunAsync(args, TestContext.Current.CancellationToken);
        return (exit, _output.ToString().Trim(), _error.ToString().Trim());
    }

    private async Task<(string Patient, string Provider)> SetUpAsync()
    {
        var patient = (await RunAsync("patient.json", "did", "create")).Output;
        var provider = (await RunAsync("provider.json", "did", "create")).Output;
        Assert.Equal(0, (await RunAsync("patient.json", "status-list", "create", "--id", ListUrl, "--out", PathOf("list.json"))).Exit);
        var issued = await RunAsync(
            "patient.json", "consent", "issue", "--grantee", provider, "--record-type", "Observation", "--record-type", "Condition",
            "--purpose", "TREAT", "--status-list", ListUrl, "--status-index", "42", "--out", PathOf("consent.json"));
        Assert.True(issued.Exit == 0, issued.Error);
        return (patient, provider);
    }

    [Fact]
    public async Task A_consent_issued_and_presented_with_the_cli_is_granted_by_the_verifier()
    {
        var (patient, provider) = await SetUpAsync();
        var resolver = new DidResolver([new DidKey()], TimeProvider.System);
        var challenges = new ChallengeRegistry(TimeProvider.System, TimeSpan.FromMinutes(5));
        var challenge = challenges.Issue();

        var vp = await RunAsync("provider.json", "vp", "create", "--challenge", challenge, "--domain", "ehr.example", "--credential", PathOf("consent.json"), "--out", PathOf("vp.json"));
        Assert.True(vp.Exit == 0, vp.Error);

        var verifier = new ConsentVerifier(resolver, challenges, new FileList(PathOf("list.json")), new VerifierOptions("ehr.example"), TimeProvider.System);
        var decision = await verifier.VerifyAsync(
            await File.ReadAllBytesAsync(PathOf("vp.json"), TestContext.Current.CancellationToken),
            new AccessRequest(Did.Parse(patient), "Observation", "obs-1", "TREAT"),
            TestContext.Current.CancellationToken);

        Assert.True(decision.Granted, decision.Reason.ToString());
        Assert.Equal(provider, decision.Evidence.Holder);
    }

    [Fact]
    public async Task Vc_verify_accepts_the_consent_and_refuses_a_tampered_one()
    {
        await SetUpAsync();
        var verified = await RunAsync("patient.json", "vc", "verify", PathOf("consent.json"));
        Assert.Equal(0, verified.Exit);
        Assert.StartsWith("verified: VerifiableCredential, ConsentCredential", verified.Output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(PathOf("tampered.json"), (await File.ReadAllTextAsync(PathOf("consent.json"), TestContext.Current.CancellationToken)).Replace("Condition", "Encounter", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var tampered = await RunAsync("patient.json", "vc", "verify", PathOf("tampered.json"));

        Assert.Equal((1, "ehr: not verified: the proof does not verify (SignatureInvalid)"), (tampered.Exit, tampered.Error));
    }

    [Fact]
    public async Task Revoke_sets_the_bit_and_re_signs_the_list()
    {
        await SetUpAsync();

        var revoked = await RunAsync("patient.json", "consent", "revoke", PathOf("consent.json"), "--list", PathOf("list.json"));

        Assert.True(revoked.Exit == 0, revoked.Error);
        var list = JsonDocument.Parse(await File.ReadAllTextAsync(PathOf("list.json"), TestContext.Current.CancellationToken)).RootElement;
        Assert.True(BitstringStatusList.TryRead(list, out var statusList, out _));
        Assert.Equal(1, statusList.Bitstring.Get(42));
        Assert.Equal(0, (await RunAsync("patient.json", "vc", "verify", PathOf("list.json"))).Exit);
        Assert.EndsWith("was already revoked", (await RunAsync("patient.json", "consent", "revoke", PathOf("consent.json"), "--list", PathOf("list.json"))).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_needs_the_list_issuer_key()
    {
        await SetUpAsync();

        var refused = await RunAsync("provider.json", "consent", "revoke", PathOf("consent.json"), "--list", PathOf("list.json"));

        Assert.Equal(2, refused.Exit);
        Assert.Contains("holds no key for did:key:", refused.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--record-type", "observation", "ehr: A record type is not a FHIR R4 resource type name.")]
    [InlineData("--purpose", "MARKETING", "ehr: A purposeOfUse code is not one this service accepts (see specs/consent-credential.md).")]
    [InlineData("--status-index", "131072", "ehr: --status-index must be between 0 and 131071")]
    [InlineData("--grantee", "provider", "ehr: --grantee is not a DID")]
    public async Task Bad_consent_input_is_one_line_and_exit_2(string option, string value, string expected)
    {
        await RunAsync("patient.json", "did", "create");
        var args = new Dictionary<string, string>
        {
            ["--grantee"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            ["--record-type"] = "Observation",
            ["--purpose"] = "TREAT",
            ["--status-list"] = ListUrl,
            [option] = value,
        };

        var result = await RunAsync("patient.json", ["consent", "issue", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal((2, expected), (result.Exit, result.Error));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", "An object has the same property name twice (I-JSON forbids it).")]
    [InlineData("[1", "The text is not well-formed JSON in UTF-8.")]
    [InlineData("[1]", "not a JSON object")]
    public async Task Bad_credential_files_are_one_line_and_exit_2(string content, string reason)
    {
        await File.WriteAllTextAsync(PathOf("bad.json"), content, TestContext.Current.CancellationToken);

        var result = await RunAsync("patient.json", "vc", "verify", PathOf("bad.json"));

        Assert.Equal((2, $"ehr: {PathOf("bad.json")}: {reason}"), (result.Exit, result.Error));
    }

    [Fact]
    public async Task A_credential_from_an_unknown_issuer_key_is_not_verified()
    {
        await SetUpAsync();
        var consent = JsonDocument.Parse(await File.ReadAllTextAsync(PathOf("consent.json"), TestContext.Current.CancellationToken)).RootElement;
        Assert.True(DataIntegrityProof.TryRead(consent, out var proof, out _));
        var forged = consent.GetRawText().Replace(proof.VerificationMethod.Split('#')[0], "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", StringComparison.Ordinal);
        await File.WriteAllTextAsync(PathOf("forged.json"), forged, TestContext.Current.CancellationToken);

        var result = await RunAsync("patient.json", "vc", "verify", PathOf("forged.json"));

        Assert.Equal(1, result.Exit);
        Assert.StartsWith("ehr: not verified:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vc_verify_checks_a_vc_jwt_file()
    {
        using var key = Identity.Keys.PrivateKey.Generate(Identity.Keys.KeyType.Ed25519);
        var did = DidKey.Create(key.PublicKey);
        var credential = new System.Text.Json.Nodes.JsonObject
        {
            ["@context"] = new System.Text.Json.Nodes.JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new System.Text.Json.Nodes.JsonArray("VerifiableCredential"),
            ["issuer"] = did.ToString(),
            ["credentialSubject"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "did:example:synthetic" },
        };
        var jwt = Credentials.Jose.JoseCredentials.SignCredential(credential, key, $"{did}#{key.PublicKey.ExportMultikey()}");
        await File.WriteAllTextAsync(PathOf("vc.jwt"), jwt + "\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(PathOf("bad.jwt"), jwt[..^4] + "AAAA", TestContext.Current.CancellationToken);

        var verified = await RunAsync("patient.json", "vc", "verify", PathOf("vc.jwt"));
        var refused = await RunAsync("patient.json", "vc", "verify", PathOf("bad.jwt"));

        Assert.Equal((0, $"verified: VerifiableCredential issued by {did} (vc+jwt); revocation is checked by the service"), (verified.Exit, verified.Output));
        Assert.Equal(1, refused.Exit);
        Assert.StartsWith("ehr: not verified: the JWS does not verify", refused.Error, StringComparison.Ordinal);
    }

    private sealed class FileList(string path) : IStatusListSource
    {
        public async ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken) =>
            url == ListUrl ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }
}
