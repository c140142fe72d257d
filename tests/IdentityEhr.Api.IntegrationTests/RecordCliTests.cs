using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Api.Records;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Embedded;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Storage.Vault;
using IdentityEhr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary><c>ehr record put|get|erase</c> against the real service, with two wallets: a provider and a patient.</summary>
public sealed class RecordCliTests(PostgresFixture postgres, AnvilFixture anvil) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-record-cli-").FullName;
    private TestSchema _schema = null!;
    private RunningService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ObservationFile => Vectors.PathOf("fhir/Observation-f001.json");

    public async ValueTask InitializeAsync()
    {
        _schema = await postgres.CreateSchemaAsync(nameof(RecordCliTests), Ct);
        _service = await RunningService.StartAsync(new EhrSettings { PostgresConnectionString = _schema.ConnectionString, EthereumRpc = anvil.Rpc, ChainId = anvil.ChainId }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _schema.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string wallet, params string[] args) =>
        new EhrCli(new Dictionary<string, string>
        {
            ["EHR_WALLET"] = Path.Combine(_directory, wallet + ".json"),
            ["EHR_WALLET_PASSPHRASE"] = "synthetic",
            ["EHR_URL"] = _service.BaseAddress.ToString(),
        }).RunAsync(args);

    private async Task<string> CreateDidAsync(string wallet)
    {
        var (exit, output, error) = await RunAsync(wallet, "did", "create", "--type", "ed25519", "--json");
        Assert.True(exit == 0, error);
        var (registerExit, _, registerError) = await RunAsync(wallet, "register", wallet == "patient" ? "patient" : "provider");
        Assert.True(registerExit == 0, registerError);
        return JsonDocument.Parse(output).RootElement.GetProperty("did").GetString()!;
    }

    [Fact]
    public async Task A_provider_stores_a_record_the_patient_erases_it_and_a_release_opens_only_with_the_right_wallet()
    {
        var provider = await CreateDidAsync("provider");
        var patient = await CreateDidAsync("patient");

        var (putExit, putOutput, putError) = await RunAsync("provider", "record", "put", ObservationFile, "--patient", patient, "--json");
        Assert.True(putExit == 0, putError);
        var stored = JsonNode.Parse(putOutput)!;
        var recordId = stored["record"]!.GetValue<string>();
        Assert.Equal((patient, provider, "lab-result"), (stored["patient"]!.GetValue<string>(), stored["author"]!.GetValue<string>(), stored["recordType"]!.GetValue<string>()));

        var (versionExit, versionOutput, _) = await RunAsync("provider", "record", "put", ObservationFile, "--record", recordId);
        Assert.Equal(0, versionExit);
        Assert.Contains("version:      2", versionOutput, StringComparison.Ordinal);

        // The service releases version 2 to the provider's key-agreement key (the access endpoint is issue 9's); the provider opens it.
        var vault = _service.Services.GetRequiredService<VaultService>().Vault;
        Assert.True(RecordRecipient.TryFromDocument(DidKey.Resolve(Did.Parse(provider), new Identity.Resolution.DidResolutionOptions()).DidDocument!, out var recipient));
        var release = await vault.ReleaseAsync(
            new AccessRequest(Did.Parse(patient), "Observation", recordId, "TREAT"), new AccessDecision(AccessReason.Granted, new AccessEvidence(Holder: provider)),
            recipient, cancellationToken: Ct);
        var releaseFile = Path.Combine(_directory, "release.json");
        await File.WriteAllTextAsync(releaseFile, release.ToJson().ToJsonString(), Ct);
        var opened = Path.Combine(_directory, "opened.json");

        var (getExit, getOutput, getError) = await RunAsync("provider", "record", "get", releaseFile, "--out", opened);
        var (strangerExit, _, strangerError) = await RunAsync("patient", "record", "get", releaseFile);

        Assert.True(getExit == 0, getError);
        Assert.Contains($"record {recordId} version 2", getOutput, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(ObservationFile, Ct), await File.ReadAllBytesAsync(opened, Ct));
        Assert.Equal((2, $"ehr: the wallet at {Path.Combine(_directory, "patient.json")} holds no key for {provider}"), (strangerExit, strangerError));

        // Altered in transit: one byte of the ciphertext.
        var doctored = release.ToJson();
        var ciphertext = release.Ciphertext.ToArray();
        ciphertext[30] ^= 1;
        doctored["ciphertext"] = Identity.Multiformats.Base64UrlText.Encode(ciphertext);
        await File.WriteAllTextAsync(releaseFile, doctored.ToJsonString(), Ct);
        Assert.Equal((1, "ehr: the ciphertext does not match its content id: it was altered"), Tail(await RunAsync("provider", "record", "get", releaseFile)));

        // Only the patient erases.
        var (providerErase, _, providerEraseError) = await RunAsync("provider", "record", "erase", recordId);
        var (patientErase, patientEraseOutput, patientEraseError) = await RunAsync("patient", "record", "erase", recordId);
        var (again, _, againError) = await RunAsync("patient", "record", "erase", recordId);

        Assert.Equal(1, providerErase);
        Assert.Contains("only the record's patient may erase it", providerEraseError, StringComparison.Ordinal);
        Assert.True(patientErase == 0, patientEraseError);
        Assert.Contains($"erased {recordId}", patientEraseOutput, StringComparison.Ordinal);
        Assert.Contains("1 record(s), 2 version(s)", patientEraseOutput, StringComparison.Ordinal);
        Assert.Equal(1, again);
        Assert.Contains("410", againError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_FHIR_bad_arguments_and_an_unreachable_service_each_end_in_one_line()
    {
        await CreateDidAsync("provider");
        var patient = await CreateDidAsync("patient");
        var invalid = Path.Combine(_directory, "invalid.json");
        await File.WriteAllTextAsync(invalid, """{"resourceType":"Observation","code":{"text":"synthetic"},"statusX":"final"}""", Ct);

        var cases = new (string[] Args, int Exit, string Contains)[]
        {
            (["record", "put", invalid, "--patient", patient], 1, "Observation.status"),
            (["record", "put", invalid, "--patient", patient], 1, "Observation.statusX"),
            (["record", "put", ObservationFile], 2, "give either --patient"),
            (["record", "put", ObservationFile, "--patient", patient, "--record", Guid.NewGuid().ToString()], 2, "give either --patient"),
            (["record", "put", ObservationFile, "--patient", "nobody"], 2, "--patient must be a DID"),
            (["record", "put", Path.Combine(_directory, "missing.json"), "--patient", patient], 2, "no such file"),
            (["record", "put", ObservationFile, "--record", "x"], 2, "--record must be a record id"),
            (["record", "put", ObservationFile, "--record", Guid.CreateVersion7().ToString()], 1, "404"),
            (["record", "erase"], 2, "give a record id, or --all"),
            (["record", "get", invalid], 2, "not a release document"),
            (["record", "get", Guid.CreateVersion7().ToString()], 1, "404"),
            (["record", "get", Guid.CreateVersion7().ToString(), "--consent", invalid, "--accreditation", invalid], 2, "not both"),
            (["record", "get", Guid.CreateVersion7().ToString(), "--accreditation", invalid], 2, "needs --reason"),
            (["record", "put", ObservationFile, "--patient", patient, "--url", "http://127.0.0.1:9"], 3, "cannot reach"),
        };

        foreach (var (args, exit, contains) in cases)
        {
            var (code, _, error) = await RunAsync("provider", args);
            Assert.True(code == exit, $"{string.Join(' ', args)} → {code}: {error}");
            Assert.Contains(contains, error, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error);
        }
    }

    private static (int, string) Tail((int ExitCode, string Output, string Error) result) => (result.ExitCode, result.Error);
}
