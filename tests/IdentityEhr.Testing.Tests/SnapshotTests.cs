namespace IdentityEhr.Testing.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void VerifyJson_reindents_then_compares_with_the_approved_file_beside_the_test()
    {
        Snapshot.VerifyJson("""{"did":"did:example:123","port":49152,"nested":{"list":[1,2]}}""", Scrubber.None.Add(@"""port"": (?<value>\d+)", "Port"));
    }
}
