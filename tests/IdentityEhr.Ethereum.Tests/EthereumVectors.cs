using System.Text.Json;
using IdentityEhr.Testing;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>Reads shared/vectors/ethereum (sources and licences in its README).</summary>
internal static class EthereumVectors
{
    public static JsonElement Read(string path)
    {
        using var document = Vectors.ReadJson($"ethereum/{path}");
        return document.RootElement.Clone();
    }

    public static byte[] Hex(string text) => Convert.FromHexString(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text);

    public static byte[] Hex(JsonElement element, string member) => Hex(element.GetProperty(member).GetString()!);
}
