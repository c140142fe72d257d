namespace IdentityEhr.Testing.Tests;

public sealed class ApprovedFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-approved-").FullName;
    private readonly ApprovedFile _file;

    public ApprovedFileTests() => _file = new ApprovedFile(_directory, "Sample.Case", "json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Verify_passes_when_output_matches_the_approved_file()
    {
        File.WriteAllText(_file.VerifiedPath, "{\n  \"a\": 1\n}\n");

        _file.Verify("{\n  \"a\": 1\n}\n");

        Assert.False(File.Exists(_file.ReceivedPath));
    }

    [Fact]
    public void Verify_ignores_line_endings_and_a_missing_final_newline()
    {
        File.WriteAllText(_file.VerifiedPath, "line 1\nline 2\n");

        _file.Verify("line 1\r\nline 2");

        Assert.False(File.Exists(_file.ReceivedPath));
    }

    [Fact]
    public void Verify_fails_with_a_line_diff_when_output_differs()
    {
        File.WriteAllText(_file.VerifiedPath, "alpha\nbeta\ngamma\n");

        var error = Assert.Throws<SnapshotMismatchException>(() => _file.Verify("alpha\nBETA\ngamma\n"));

        Assert.Contains("-    2: beta", error.Message, StringComparison.Ordinal);
        Assert.Contains("+    2: BETA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_writes_the_received_file_when_output_differs()
    {
        File.WriteAllText(_file.VerifiedPath, "alpha\n");

        Assert.Throws<SnapshotMismatchException>(() => _file.Verify("omega\n"));

        Assert.Equal("omega\n", File.ReadAllText(_file.ReceivedPath));
    }

    [Fact]
    public void Verify_fails_and_writes_the_received_file_when_nothing_is_approved_yet()
    {
        var error = Assert.Throws<SnapshotMismatchException>(() => _file.Verify("first\n"));

        Assert.Contains("No approved snapshot", error.Message, StringComparison.Ordinal);
        Assert.Equal("first\n", File.ReadAllText(_file.ReceivedPath));
    }

    [Fact]
    public void Verify_deletes_a_stale_received_file_once_output_matches()
    {
        File.WriteAllText(_file.VerifiedPath, "same\n");
        File.WriteAllText(_file.ReceivedPath, "old\n");

        _file.Verify("same\n");

        Assert.False(File.Exists(_file.ReceivedPath));
    }

    [Fact]
    public void Verify_never_changes_the_approved_file()
    {
        File.WriteAllText(_file.VerifiedPath, "approved\n");

        Assert.Throws<SnapshotMismatchException>(() => _file.Verify("changed\n"));

        Assert.Equal("approved\n", File.ReadAllText(_file.VerifiedPath));
    }
}
