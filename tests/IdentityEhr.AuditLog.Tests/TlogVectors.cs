using System.Collections.Immutable;
using System.Text.Json;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Testing;

namespace IdentityEhr.AuditLog.Tests;

/// <summary>Reads shared/vectors/tlog (sources and licences in its README.md).</summary>
internal static class TlogVectors
{
    public const string Dir = "tlog";

    public static JsonDocument Read(string file) => Vectors.ReadJson($"{Dir}/{file}");

    public static TreeHash Hex(string hex) => TreeHash.Create(Convert.FromHexString(hex));

    public static ImmutableArray<TreeHash> HexList(JsonElement array) => [.. array.EnumerateArray().Select(e => Hex(e.GetString()!))];

    /// <summary>The merkle-testdata probe files under one folder, relative to the vectors root.</summary>
    public static TheoryData<string> Probes(string folder)
    {
        var root = Path.GetDirectoryName(Vectors.PathOf($"{Dir}/merkle-testdata/LICENSE-Apache-2.0"))!;
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
        }

        return data;
    }

    public static JsonDocument ReadProbe(string relative) => Vectors.ReadJson($"{Dir}/merkle-testdata/{relative}");

    /// <summary>Decodes a probe's base64 value; Go writes empty byte slices as null or "".</summary>
    public static byte[] Bytes(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? [] : Convert.FromBase64String(value.GetString()!);

    /// <summary>
    /// A probe's root as a tree hash. Roots are only ever compared for equality, and a few probes use short placeholder
    /// strings ("don't care"); those map to a stand-in that equals another stand-in exactly when the bytes are equal and can
    /// never equal a real 32-byte root. Leaf hashes and proof elements get no such stand-in: a wrong length there must fail.
    /// </summary>
    public static TreeHash Root(JsonElement value)
    {
        var bytes = Bytes(value);
        return TreeHash.TryCreate(bytes, out var hash) ? hash : TreeHash.OfLeaf([0xFF, .. bytes]);
    }

    /// <summary>The probe's proof, or null when an element is not a 32-byte hash (which our types refuse outright).</summary>
    public static ImmutableArray<TreeHash>? Proof(JsonElement proof)
    {
        if (proof.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var hashes = ImmutableArray.CreateBuilder<TreeHash>();
        foreach (var element in proof.EnumerateArray())
        {
            if (!TreeHash.TryCreate(Bytes(element), out var hash))
            {
                return null;
            }

            hashes.Add(hash);
        }

        return hashes.ToImmutable();
    }
}
