using System.Text.Json;

namespace IdentityEhr.Testing.Tests;

public sealed class VectorsTests
{
    [Fact]
    public void ReadJson_loads_a_shared_vector_file()
    {
        using var document = Vectors.ReadJson("rfc8032-ed25519.json");

        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("vectors").ValueKind);
    }

    [Fact]
    public void PathOf_names_the_missing_file()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Vectors.PathOf("no-such-vector.json"));

        Assert.Contains("no-such-vector.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathOf_refuses_a_path_outside_the_vectors_folder()
    {
        Assert.Throws<ArgumentException>("relativePath", () => Vectors.PathOf("../DESIGN.md"));
    }
}
