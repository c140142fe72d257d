using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Testing;

namespace IdentityEhr.Embedded.IntegrationTests;

public sealed class ContractArtifactTests : IDisposable
{
    private static readonly string s_committed = Path.Combine(RepositoryPaths.Root, "contracts", "artifacts");
    private readonly string _scratch = Directory.CreateTempSubdirectory("ehr-artifacts-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>Compiles contracts/src with the pinned solc-js into <paramref name="output"/>.</summary>
    private static async Task CompileAsync(string output, CancellationToken ct) =>
        await NodeScript.RunAsync("contracts/compile.mjs", ["--out", output], standardInput: null, ct);

    [Fact]
    public async Task Committed_artifacts_match_a_fresh_compile()
    {
        await CompileAsync(_scratch, TestContext.Current.CancellationToken);

        Assert.Empty(ArtifactDrift.Differences(s_committed, _scratch));
    }

    [Fact]
    public void Drift_check_names_an_artifact_whose_bytes_differ()
    {
        foreach (var file in Directory.GetFiles(s_committed))
        {
            File.Copy(file, Path.Combine(_scratch, Path.GetFileName(file)));
        }

        var altered = Path.Combine(_scratch, "AuditAnchor.json");
        File.WriteAllText(altered, File.ReadAllText(altered).Replace("\"runs\": 200", "\"runs\": 201", StringComparison.Ordinal));

        Assert.Equal(["AuditAnchor.json differs"], ArtifactDrift.Differences(s_committed, _scratch));
    }

    [Fact]
    public void Drift_check_names_missing_and_extra_artifacts()
    {
        File.Copy(Path.Combine(s_committed, "AuditAnchor.json"), Path.Combine(_scratch, "AuditAnchor.json"));
        File.WriteAllText(Path.Combine(_scratch, "Extra.json"), "{}");

        Assert.Equal(
            ["EthereumDIDRegistry.json is committed but not produced", "Extra.json is produced but not committed"],
            ArtifactDrift.Differences(s_committed, _scratch));
    }

    [Fact]
    public void Embedded_anchor_artifact_is_the_committed_file()
    {
        var committed = ContractArtifact.Parse(File.ReadAllText(Path.Combine(s_committed, "AuditAnchor.json")));

        Assert.Equal(committed.Bytecode.ToArray(), ContractArtifact.AuditAnchor.Bytecode.ToArray());
    }
}
