using System.Numerics;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Testing;

namespace IdentityEhr.Identity.IntegrationTests;

/// <summary>
/// A scripted did:ethr history on a fresh ERC-1056 registry on anvil, as in shared/vectors/ethereum/generated/did-ethr-anvil-run.json:
/// delegates and attributes added and revoked, a meta-transaction, an owner change by meta-transaction, then deactivation.
/// Keys are the vectors' public test keys.
/// </summary>
internal sealed class EthrHistory
{
    public static readonly byte[] IdentityKey = Convert.FromHexString("1111111111111111111111111111111111111111111111111111111111111111");
    public static readonly Address Identity = Address.Parse("0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a");
    public static readonly Address Delegate = Address.Parse("0x1563915e194d8cfba1943570603f7606a3115508");
    // RFC 8032 TEST 1's public key: a valid point, so every resolver can import it (the vectors' run used 32 random bytes).
    public static readonly byte[] Ed25519Key = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    public static readonly byte[] X25519Key = Convert.FromHexString("118557777ffb078774371a52b00fed75561dcf975e61c47553e664a617661052");

    private EthrHistory(Address registry, ulong chainId, IReadOnlyDictionary<string, ulong> blocks, IReadOnlyDictionary<string, DateTimeOffset> times, Address relayer)
    {
        Registry = registry;
        ChainId = chainId;
        Blocks = blocks;
        Times = times;
        Relayer = relayer;
    }

    public Address Registry { get; }

    public ulong ChainId { get; }

    public Address Relayer { get; }

    /// <summary>The block of each step, by name.</summary>
    public IReadOnlyDictionary<string, ulong> Blocks { get; }

    /// <summary>The time of each step's block, by name.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Times { get; }

    public static async Task<EthrHistory> RunAsync(AnvilFixture anvil, CancellationToken ct)
    {
        var contracts = await anvil.DeployContractsAsync(ct);
        using var client = anvil.CreateClient();
        var control = new AnvilControl(client);
        var accounts = await client.GetAccountsAsync(ct);
        var relayer = accounts[2];
        var registry = new EthereumDidRegistry(client, contracts.DidRegistry);
        await control.SetBalanceAsync(Identity, BigInteger.Pow(10, 20), ct);
        await control.SetBalanceAsync(Delegate, BigInteger.Pow(10, 20), ct);
        await control.ImpersonateAsync(Identity, ct);
        await control.ImpersonateAsync(Delegate, ct);
        var blocks = new Dictionary<string, ulong>();
        var times = new Dictionary<string, DateTimeOffset>();

        async Task StepAsync(string name, Address from, byte[] data)
        {
            // eth_call first, so a step that would revert fails with the contract's reason.
            await client.CallAsync(new CallRequest(from, contracts.DidRegistry, data), BlockTag.Latest, ct);
            var estimate = await client.EstimateGasAsync(new CallRequest(from, contracts.DidRegistry, data), ct);
            var hash = await client.SendNodeSignedTransactionAsync(from, contracts.DidRegistry, data, estimate * 2, ct);
            var receipt = await client.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(10), ct);
            Assert.True(receipt.Succeeded, $"step {name} reverted (gas used {receipt.GasUsed}, estimate {estimate})");
            blocks[name] = receipt.BlockNumber;
            times[name] = (await client.GetBlockAsync(BlockTag.Number(receipt.BlockNumber), ct))!.Timestamp;
        }

        await StepAsync("addDelegate veriKey", Identity, EthereumDidRegistry.AddDelegateCall(Identity, "veriKey", Delegate, 86400));
        await StepAsync("Ed25519 veriKey", Identity, EthereumDidRegistry.SetAttributeCall(Identity, "did/pub/Ed25519/veriKey/base64", Ed25519Key, 86400));
        await StepAsync("X25519 enc", Identity, EthereumDidRegistry.SetAttributeCall(Identity, "did/pub/X25519/enc/base64", X25519Key, 86400));
        await StepAsync("service", Identity, EthereumDidRegistry.SetAttributeCall(Identity, "did/svc/MedicalRecordsService", "https://records.example.org/api"u8, 86400));
        await StepAsync("addDelegate sigAuth", Identity, EthereumDidRegistry.AddDelegateCall(Identity, "sigAuth", accounts[0], 86400));
        await StepAsync("revokeDelegate veriKey", Identity, EthereumDidRegistry.RevokeDelegateCall(Identity, "veriKey", Delegate));
        await StepAsync("revoke service", Identity, EthereumDidRegistry.RevokeAttributeCall(Identity, "did/svc/MedicalRecordsService", "https://records.example.org/api"u8));

        // A meta-transaction: the identity signs, the relayer pays.
        var nonce = await registry.NonceAsync(Identity, BlockTag.Latest, ct);
        var hash = registry.SetAttributeHash(nonce, Identity, "did/svc/AuditAnchor", "https://anchors.example.org"u8, 3600);
        await StepAsync("setAttributeSigned", relayer, EthereumDidRegistry.SetAttributeSignedCall(Identity, Secp256k1.SignRecoverable(hash, IdentityKey), "did/svc/AuditAnchor", "https://anchors.example.org"u8, 3600));

        var ownerNonce = await registry.NonceAsync(Identity, BlockTag.Latest, ct);
        var ownerHash = registry.ChangeOwnerHash(ownerNonce, Identity, Delegate);
        await StepAsync("changeOwnerSigned", relayer, EthereumDidRegistry.ChangeOwnerSignedCall(Identity, Secp256k1.SignRecoverable(ownerHash, IdentityKey), Delegate));
        await StepAsync("deactivate", Delegate, EthereumDidRegistry.ChangeOwnerCall(Identity, Address.Zero));

        return new EthrHistory(contracts.DidRegistry, anvil.ChainId, blocks, times, relayer);
    }
}
