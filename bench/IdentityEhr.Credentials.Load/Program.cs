using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;

// dotnet run -c Release --project bench/IdentityEhr.Credentials.Load [-- <decisions>]
// Measures, on one thread and in one run: the consent pipeline (VP + one consent VC, DIDs and status list cached) against the
// bound of two libsodium Ed25519 verifications per decision; and JCS throughput against JsonDocument.Parse of the same text.
var decisions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
const string Domain = "ehr.example";
const string ListUrl = "https://ehr.example/status/1";

using var patient = PrivateKey.Generate(KeyType.Ed25519);
using var provider = PrivateKey.Generate(KeyType.Ed25519);
using var service = PrivateKey.Generate(KeyType.Ed25519);
static string Method(PrivateKey key) => $"did:key:{key.PublicKey.ExportMultikey()}#{key.PublicKey.ExportMultikey()}";
var now = DateTimeOffset.UtcNow;
var patientDid = DidKey.Create(patient.PublicKey);
var providerDid = DidKey.Create(provider.PublicKey);
var serviceDid = DidKey.Create(service.PublicKey);

var list = EddsaJcs2022.Sign(
    BitstringStatusList.CreateCredential(ListUrl, serviceDid.ToString(), "revocation", Bitstring.Create(), now.AddDays(-1), TimeSpan.FromHours(1)),
    new ProofOptions(Method(service), ProofOptions.AssertionMethod, now.AddDays(-1)), service);
var consent = EddsaJcs2022.Sign(
    ConsentCredential.Create(
        $"urn:uuid:{Guid.NewGuid()}", patientDid, providerDid, new ConsentScope(["Observation", "Condition"], []), ["TREAT"], now.AddDays(-1), now.AddDays(30),
        new BitstringStatusListEntry(null, "revocation", 94567, ListUrl)),
    new ProofOptions(Method(patient), ProofOptions.AssertionMethod, now.AddDays(-1)), patient);

var challenges = new ChallengeRegistry(TimeProvider.System, TimeSpan.FromHours(1));
var verifier = new ConsentVerifier(
    new DidResolver([new DidKey()], TimeProvider.System), challenges, new OneList(ListUrl, JsonSerializer.SerializeToUtf8Bytes(list)),
    new VerifierOptions(Domain) { TrustedStatusListIssuers = [serviceDid.ToString()] }, TimeProvider.System);
var request = new AccessRequest(patientDid, "Observation", "obs-1", "TREAT");

byte[] Presentation()
{
    var vp = new JsonObject
    {
        ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
        ["type"] = new JsonArray("VerifiablePresentation"),
        ["holder"] = providerDid.ToString(),
        ["verifiableCredential"] = new JsonArray(consent.DeepClone()),
    };
    var options = new ProofOptions(Method(provider), ProofOptions.Authentication, now) { Challenge = challenges.Issue(), Domain = Domain };
    return JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(vp, options, provider));
}

// Warm up: JIT, DID cache, status list cache.
for (var i = 0; i < 500; i++)
{
    var warm = await verifier.VerifyAsync(Presentation(), request);
    if (!warm.Granted)
    {
        Console.Error.WriteLine($"warm-up decision refused: {warm.Reason}");
        return 1;
    }
}

var presentations = Enumerable.Range(0, decisions).Select(_ => Presentation()).ToArray();
Console.WriteLine($"presentation: {presentations[0].Length} bytes; decisions: {decisions}");

// Bound: two Ed25519 verifications through our layer (libsodium) per decision, over data of the same size as hashData.
var hashData = new byte[64];
var signature = provider.Sign(hashData);
var bound = Stopwatch.StartNew();
for (var i = 0; i < decisions * 2; i++)
{
    if (!provider.PublicKey.Verify(hashData, signature))
    {
        return 1;
    }
}

bound.Stop();

var pipeline = Stopwatch.StartNew();
foreach (var presentation in presentations)
{
    var decision = await verifier.VerifyAsync(presentation, request);
    if (!decision.Granted)
    {
        Console.Error.WriteLine($"decision refused: {decision.Reason}");
        return 1;
    }
}

pipeline.Stop();
var boundRate = decisions / bound.Elapsed.TotalSeconds;
var pipelineRate = decisions / pipeline.Elapsed.TotalSeconds;
Console.WriteLine($"bound (2 Ed25519 verifies per decision): {boundRate:N0} decisions/s ({bound.Elapsed.TotalMicroseconds / decisions:N1} µs each)");
Console.WriteLine($"pipeline: {pipelineRate:N0} decisions/s ({pipeline.Elapsed.TotalMicroseconds / decisions:N1} µs each)");
Console.WriteLine($"ratio pipeline/bound: {pipelineRate / boundRate:P1} (target ≥ 70%)");

// JCS throughput on a ~1 MB document of credential-like objects, against parsing the same text.
var items = new JsonArray();
for (var i = 0; items.ToJsonString().Length < 1_000_000 && i < 100_000; i++)
{
    var item = JsonNode.Parse(consent.ToJsonString())!.AsObject();
    item["n"] = i * 1.5;
    item["note"] = $"synthetic é€ {i}";
    items.Add(item);
}

var text = Encoding.UTF8.GetBytes(items.ToJsonString());
for (var i = 0; i < 5; i++)
{
    JsonCanonicalizer.Canonicalize(text);
}

const int Rounds = 40;
var parse = Stopwatch.StartNew();
for (var i = 0; i < Rounds; i++)
{
    using var parsed = JsonDocument.Parse(text);
}

parse.Stop();
var jcs = Stopwatch.StartNew();
for (var i = 0; i < Rounds; i++)
{
    JsonCanonicalizer.Canonicalize(text);
}

jcs.Stop();
var megabytes = text.Length * (double)Rounds / 1_000_000;
Console.WriteLine($"JCS: {megabytes / jcs.Elapsed.TotalSeconds:N1} MB/s on {text.Length:N0} bytes (target ≥ 50 MB/s)");
Console.WriteLine($"JsonDocument.Parse alone: {megabytes / parse.Elapsed.TotalSeconds:N1} MB/s; JCS/parse: {parse.Elapsed / jcs.Elapsed:P1}");
return 0;

/// <summary>The one status list the service hosts.</summary>
internal sealed class OneList(string url, byte[] bytes) : IStatusListSource
{
    public ValueTask<byte[]?> FetchAsync(string requested, CancellationToken cancellationToken) =>
        ValueTask.FromResult(requested == url ? bytes : null);
}
