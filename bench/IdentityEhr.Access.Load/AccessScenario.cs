using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Access.Load;

/// <summary>
/// Who takes part and what exists before the first access, all did:key with real Ed25519 keys and synthetic FHIR: patients who
/// publish a status list and consent, providers who store records for them and read them. Every set-up call the service needs
/// is in <see cref="SetUpAsync"/>, so a change of the API (registration of patients and providers, say) is made here only.
/// </summary>
internal sealed class AccessScenario : IDisposable
{
    public const string Purpose = "TREAT";
    public const string ResourceType = "Observation";

    private static readonly byte[] s_bodyStart = "{\"presentation\":"u8.ToArray();
    private static readonly byte[] s_proofMember = ",\"proof\":"u8.ToArray();
    private static readonly byte[] s_bodyEnd = Encoding.UTF8.GetBytes($"}},\"purpose\":\"{Purpose}\"}}");

    private readonly PrivateKey[] _patients;
    private readonly PrivateKey[] _providers;
    private readonly string[] _patientDids;
    private readonly string[] _providerDids;

    // consents[patient][provider], signed by the patient; each provider's copy presents it.
    private readonly JsonObject[][] _consents;
    private readonly List<StoredAccess> _records = [];
    private readonly Dictionary<(int Patient, int Provider), PreparedPresentation> _prepared = [];

    public AccessScenario(int patients, int providers)
    {
        _patients = [.. Enumerable.Range(0, patients).Select(_ => PrivateKey.Generate(KeyType.Ed25519))];
        _providers = [.. Enumerable.Range(0, providers).Select(_ => PrivateKey.Generate(KeyType.Ed25519))];
        _patientDids = [.. _patients.Select(k => DidKey.Create(k.PublicKey).ToString())];
        _providerDids = [.. _providers.Select(k => DidKey.Create(k.PublicKey).ToString())];
        _consents = new JsonObject[patients][];
        StatusLists = [];
    }

    /// <summary>Gets the records stored, each with the patient it belongs to.</summary>
    public IReadOnlyList<StoredAccess> Records => _records;

    /// <summary>Gets each patient's signed status list by its URL.</summary>
    public Dictionary<string, byte[]> StatusLists { get; }

    public int Providers => _providers.Length;

    public string PatientDid(int patient) => _patientDids[patient];

    public string ProviderDid(int provider) => _providerDids[provider];

    /// <summary>
    /// Sets the service up over HTTP: each patient publishes a revocation list and signs a consent (Observation, TREAT) to every
    /// provider; the providers store <paramref name="recordsPerPatient"/> records for each patient, in turn.
    /// </summary>
    public async Task SetUpAsync(HttpClient http, Uri service, int recordsPerPatient, byte[] fhir, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;

        // Providers store records only for registered patients, and only once registered themselves.
        foreach (var key in _patients)
        {
            await SendSignedAsync(http, HttpMethod.Post, new Uri(service, "/patients"), [], "application/json", key, cancellationToken);
        }

        foreach (var key in _providers)
        {
            await SendSignedAsync(http, HttpMethod.Post, new Uri(service, "/providers"), [], "application/json", key, cancellationToken);
        }

        for (var p = 0; p < _patients.Length; p++)
        {
            var listUrl = new Uri(service, $"/status-lists/load-patient-{p}").ToString();
            var list = EddsaJcs2022.Sign(
                BitstringStatusList.CreateCredential(listUrl, _patientDids[p], BitstringStatusListEntry.Revocation, Bitstring.Create(), now.AddMinutes(-1), TimeSpan.FromMinutes(5)),
                new ProofOptions(MethodOf(_patients[p]), ProofOptions.AssertionMethod, now.AddMinutes(-1)), _patients[p]);
            var listBytes = JsonSerializer.SerializeToUtf8Bytes(list);
            await SendSignedAsync(http, HttpMethod.Put, new Uri(listUrl), listBytes, "application/json", _patients[p], cancellationToken);
            StatusLists[listUrl] = listBytes;

            _consents[p] = [.. Enumerable.Range(0, _providers.Length).Select(v => EddsaJcs2022.Sign(
                ConsentCredential.Create(
                    $"urn:uuid:{Guid.NewGuid()}", Did.Parse(_patientDids[p]), Did.Parse(_providerDids[v]), new ConsentScope([ResourceType], []), [Purpose],
                    now.AddDays(-1), now.AddDays(30), new BitstringStatusListEntry($"{listUrl}#{v}", BitstringStatusListEntry.Revocation, v, listUrl)),
                new ProofOptions(MethodOf(_patients[p]), ProofOptions.AssertionMethod, now.AddDays(-1)), _patients[p]))];
        }

        for (var r = 0; r < recordsPerPatient; r++)
        {
            for (var p = 0; p < _patients.Length; p++)
            {
                var author = (r * _patients.Length + p) % _providers.Length;
                var answer = await SendSignedAsync(
                    http, HttpMethod.Post, new Uri(service, $"/records?patient={_patientDids[p]}"), fhir, "application/fhir+json", _providers[author], cancellationToken);
                var recordId = JsonNode.Parse(answer)!["record"]!.GetValue<string>();
                _records.Add(new StoredAccess(recordId, p));
            }
        }
    }

    /// <summary>
    /// The body of <c>POST /records/{id}/access</c>: a presentation of the patient's consent to the provider, signed by the
    /// provider for the challenge and domain (eddsa-jcs-2022, as <c>ehr record get</c> does), and the purpose.
    /// </summary>
    /// <remarks>
    /// A fresh signature per challenge, as before; what a real holder would also keep is kept: the unsigned presentation
    /// (its UTF-8 and the SHA-256 of its JCS form) is the same for every access of a (patient, provider) pair, since only the
    /// proof options change. So per access only the proof configuration is canonicalized and hashed, hashData is signed, and the
    /// body is written around the stored bytes (issue 9: the client's CPU counts against the same 2 cores).
    /// </remarks>
    public byte[] AccessBody(int patient, int provider, string challenge, string domain)
    {
        var prepared = Prepared(patient, provider);
        var now = DateTimeOffset.UtcNow;
        // The proof configuration exactly as EddsaJcs2022.Sign builds it (Data Integrity EdDSA Cryptosuites §3.3.1).
        var configuration = new JsonObject
        {
            ["type"] = DataIntegrityProof.ProofType,
            ["cryptosuite"] = EddsaJcs2022.Name,
            ["verificationMethod"] = MethodOf(_providers[provider]),
            ["proofPurpose"] = ProofOptions.Authentication,
            ["created"] = DataIntegrityProof.FormatTime(now),
            ["expires"] = DataIntegrityProof.FormatTime(now.AddMinutes(5)),
            ["challenge"] = challenge,
            ["domain"] = domain,
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
        };
        var hashData = new byte[2 * SHA256.HashSizeInBytes];
        SHA256.HashData(JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToUtf8Bytes(configuration)), hashData);
        prepared.DocumentHash.CopyTo(hashData, SHA256.HashSizeInBytes);
        configuration["proofValue"] = Multibase.EncodeBase58Btc(_providers[provider].Sign(hashData));

        var proof = JsonSerializer.SerializeToUtf8Bytes(configuration);
        var body = new byte[s_bodyStart.Length + prepared.Unsigned.Length - 1 + s_proofMember.Length + proof.Length + s_bodyEnd.Length];
        var at = 0;
        foreach (var part in (ReadOnlySpan<byte[]>)[s_bodyStart, prepared.Unsigned[..^1], s_proofMember, proof, s_bodyEnd])
        {
            part.CopyTo(body, at);
            at += part.Length;
        }

        return body;
    }

    private PreparedPresentation Prepared(int patient, int provider)
    {
        lock (_prepared)
        {
            if (_prepared.TryGetValue((patient, provider), out var prepared))
            {
                return prepared;
            }

            var presentation = new JsonObject
            {
                ["@context"] = new JsonArray(VerifiableCredential.V2Context),
                ["type"] = new JsonArray(VerifiablePresentation.PresentationType),
                ["holder"] = _providerDids[provider],
                ["verifiableCredential"] = new JsonArray(_consents[patient][provider].DeepClone()),
            };
            var unsigned = JsonSerializer.SerializeToUtf8Bytes(presentation);
            prepared = new PreparedPresentation(unsigned, SHA256.HashData(JsonCanonicalizer.Canonicalize(unsigned)));
            _prepared[(patient, provider)] = prepared;
            return prepared;
        }
    }

    private sealed record PreparedPresentation(byte[] Unsigned, byte[] DocumentHash);

    /// <summary>A synthetic FHIR R4 Observation of about <paramref name="bytes"/> bytes (a note pads it).</summary>
    public static byte[] SyntheticObservation(int bytes)
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "8867-4", ["display"] = "Heart rate" }) },
            ["valueQuantity"] = new JsonObject { ["value"] = 72, ["unit"] = "beats/minute", ["system"] = "http://unitsofmeasure.org", ["code"] = "/min" },
            ["note"] = new JsonArray(new JsonObject { ["text"] = "synthetic load-test record" }),
        };
        var length = Encoding.UTF8.GetByteCount(observation.ToJsonString());
        observation["note"]![0]!["text"] = "synthetic load-test record " + new string('x', Math.Max(0, bytes - length - 1));
        return JsonSerializer.SerializeToUtf8Bytes(observation);
    }

    public void Dispose()
    {
        foreach (var key in _patients.Concat(_providers))
        {
            key.Dispose();
        }
    }

    private static string MethodOf(PrivateKey key) => $"did:key:{key.PublicKey.ExportMultikey()}#{key.PublicKey.ExportMultikey()}";

    private static async Task<byte[]> SendSignedAsync(
        HttpClient http, HttpMethod method, Uri url, byte[] body, string contentType, PrivateKey key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var proof = RequestProof.Create(key, MethodOf(key), method.Method, url, body, DateTimeOffset.UtcNow);
        request.Headers.TryAddWithoutValidation("Authorization", $"{RequestProof.Scheme} {proof}");
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? answer
            : throw new InvalidOperationException($"set-up: {method} {url.AbsolutePath} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}");
    }
}

/// <summary>A stored record and the index of its patient.</summary>
internal readonly record struct StoredAccess(string RecordId, int Patient);
