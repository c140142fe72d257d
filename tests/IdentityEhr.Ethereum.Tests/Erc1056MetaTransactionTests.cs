using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>ERC-1056 meta-transaction hashes and signatures against generated/did-ethr-anvil-run.json (accepted by the contract on anvil).</summary>
public sealed class Erc1056MetaTransactionTests : IDisposable
{
    private static readonly byte[] s_identityKey = Convert.FromHexString("1111111111111111111111111111111111111111111111111111111111111111");
    private readonly EthereumRpcClient _offline = new(new Uri("http://127.0.0.1:1"));

    public void Dispose() => _offline.Dispose();

    private EthereumDidRegistry Registry(System.Text.Json.JsonElement vector) =>
        new(_offline, Address.Parse(vector.GetProperty("registry").GetString()!));

    [Fact]
    public void SetAttribute_hash_is_the_vector_hash()
    {
        var vector = Read("generated/did-ethr-anvil-run.json").GetProperty("metaTx");

        var hash = Registry(vector).SetAttributeHash(0, Address.Parse(vector.GetProperty("identity").GetString()!), "did/svc/AuditAnchor", Hex(vector, "value"), 3600);

        Assert.Equal(Convert.ToHexString(Hex(vector, "hash")), Convert.ToHexString(hash));
    }

    [Fact]
    public void SetAttribute_signature_is_the_vector_signature()
    {
        var vector = Read("generated/did-ethr-anvil-run.json").GetProperty("metaTx");
        var sig = vector.GetProperty("sig");

        var signature = Secp256k1.SignRecoverable(Hex(vector, "hash"), s_identityKey);

        Assert.Equal(
            Convert.ToHexString([.. Hex(sig, "r"), .. Hex(sig, "s"), (byte)(sig.GetProperty("v").GetInt32() - 27)]),
            Convert.ToHexString(signature));
    }

    [Fact]
    public void ChangeOwner_hash_is_the_vector_hash()
    {
        var run = Read("generated/did-ethr-anvil-run.json");
        var vector = run.GetProperty("metaTxChangeOwner");
        var registry = new EthereumDidRegistry(_offline, Address.Parse(run.GetProperty("registry").GetProperty("address").GetString()!));

        var hash = registry.ChangeOwnerHash(1, Address.Parse(run.GetProperty("identity").GetProperty("address").GetString()!), Address.Parse(vector.GetProperty("newOwner").GetString()!));

        Assert.Equal(Convert.ToHexString(Hex(vector, "hash")), Convert.ToHexString(hash));
    }

    [Fact]
    public void A_name_longer_than_32_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>("text", () => Bytes32Text.Encode(new string('a', 33)));
    }

    [Fact]
    public void A_bytes32_that_is_not_utf8_decodes_to_null()
    {
        Assert.Null(Bytes32Text.Decode([0xff, 0xfe, .. new byte[30]]));
    }
}
