using IdentityEhr.Ethereum.Crypto;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

public sealed class KeccakTests
{
    public static TheoryData<string> EthersCases() => new(Read("ethers-testcases/hashes-keccak256.json").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));

    public static TheoryData<string> GeneratedCases() => new(Read("generated/keccak256-generated.json").GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(EthersCases))]
    public void Ethers_testcases_hash_to_their_keccak256(string name)
    {
        var vector = Read("ethers-testcases/hashes-keccak256.json").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

        Assert.Equal(Convert.ToHexString(Hex(vector, "keccak256")), Convert.ToHexString(Keccak256.HashData(Hex(vector, "data"))));
    }

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void Rate_edge_inputs_hash_to_keccak_not_sha3(string name)
    {
        var vector = Read("generated/keccak256-generated.json").GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

        var hash = Convert.ToHexString(Keccak256.HashData(Hex(vector, "inputHex")));

        Assert.Equal((Convert.ToHexString(Hex(vector, "keccak256")), false), (hash, hash == Convert.ToHexString(Hex(vector, "nistSha3_256_NOT_ethereum"))));
    }

    [Fact]
    public void TryHashData_refuses_a_short_destination()
    {
        Assert.False(Keccak256.TryHashData([1], new byte[31], out var written));
        Assert.Equal(0, written);
    }
}
