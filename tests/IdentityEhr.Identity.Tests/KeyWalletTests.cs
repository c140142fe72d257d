using System.Text.Json.Nodes;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Wallets;

namespace IdentityEhr.Identity.Tests;

public sealed class KeyWalletTests
{
    // Tests use a cheap Argon2id cost; the CLI uses the default (3 passes, 64 MiB).
    private static Argon2idParameters Cheap() => Argon2idParameters.CreateNew(opsLimit: 1, memLimitBytes: 64 * 1024);

    private static readonly DateTimeOffset s_now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static (string Json, PublicKey PublicKey) WalletWithOneKey(string passphrase)
    {
        var wallet = KeyWallet.CreateWithPassphrase(passphrase, Cheap(), out var sealer);
        using (sealer)
        using (var key = PrivateKey.Generate(KeyType.Ed25519))
        {
            return (wallet.Add(key, DidKey.Create(key.PublicKey), "synthetic", sealer, s_now).Serialize(), key.PublicKey);
        }
    }

    [Fact]
    public void A_key_added_is_unsealed_after_reopening_with_the_passphrase()
    {
        var (json, publicKey) = WalletWithOneKey("synthetic passphrase");

        var wallet = KeyWallet.OpenWithPassphrase(json, "synthetic passphrase", out var sealer);
        using (sealer)
        using (var key = KeyWallet.Unseal(wallet.Entries[0], sealer))
        {
            Assert.Equal(publicKey, key.PublicKey);
        }
    }

    [Fact]
    public void The_file_holds_no_private_key_in_the_clear()
    {
        var wallet = KeyWallet.CreateWithPassphrase("synthetic passphrase", Cheap(), out var sealer);
        using (sealer)
        using (var key = PrivateKey.Generate(KeyType.Ed25519))
        {
            var json = wallet.Add(key, DidKey.Create(key.PublicKey), null, sealer, s_now).Serialize();

            Assert.DoesNotContain(key.ExportMultikey(), json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_wrong_passphrase_is_refused()
    {
        var (json, _) = WalletWithOneKey("synthetic passphrase");

        var error = Assert.Throws<WalletException>(() => KeyWallet.OpenWithPassphrase(json, "wrong", out _));

        Assert.Equal("the passphrase does not open this wallet", error.Message);
    }

    [Fact]
    public void A_sealed_key_moved_to_another_entry_does_not_open()
    {
        var wallet = KeyWallet.CreateWithPassphrase("p", Cheap(), out var sealer);
        using (sealer)
        using (var a = PrivateKey.Generate(KeyType.Ed25519))
        using (var b = PrivateKey.Generate(KeyType.Ed25519))
        {
            wallet = wallet.Add(a, DidKey.Create(a.PublicKey), null, sealer, s_now).Add(b, DidKey.Create(b.PublicKey), null, sealer, s_now);
            var swapped = wallet.Entries[1] with { SealedKey = wallet.Entries[0].SealedKey };

            Assert.Throws<WalletException>(() => KeyWallet.Unseal(swapped, sealer));
        }
    }

    [Fact]
    public void An_altered_sealed_key_does_not_open()
    {
        var wallet = KeyWallet.CreateWithPassphrase("p", Cheap(), out var sealer);
        using (sealer)
        using (var key = PrivateKey.Generate(KeyType.Ed25519))
        {
            var entry = wallet.Add(key, DidKey.Create(key.PublicKey), null, sealer, s_now).Entries[0];
            var altered = entry with { SealedKey = (entry.SealedKey[0] == 'A' ? "B" : "A") + entry.SealedKey[1..] };

            Assert.Throws<WalletException>(() => KeyWallet.Unseal(altered, sealer));
        }
    }

    [Fact]
    public void Argon2id_cost_beyond_the_bounds_is_refused_before_any_work()
    {
        var (json, _) = WalletWithOneKey("p");
        var root = JsonNode.Parse(json)!;
        root["protection"]!["memLimitBytes"] = 64UL * 1024 * 1024 * 1024;

        var error = Assert.Throws<WalletException>(() => KeyWallet.OpenWithPassphrase(root.ToJsonString(), "p", out _));

        Assert.Equal("the wallet's Argon2id parameters are missing, malformed or out of bounds", error.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"format":"other/1"}""")]
    [InlineData("""{"format":"identityehr-wallet/1","protection":{},"check":"x"}""")]
    public void A_malformed_file_is_refused(string json)
    {
        Assert.Throws<WalletException>(() => KeyWallet.OpenWithPassphrase(json, "p", out _));
    }

    [Fact]
    public void A_master_key_wallet_opens_only_with_its_master_key()
    {
        using var master = new KeySealer(new byte[32]);
        var json = KeyWallet.CreateWithMasterKey(master).Serialize();
        using var other = new KeySealer(Enumerable.Repeat((byte)1, 32).ToArray());

        Assert.Throws<WalletException>(() => KeyWallet.OpenWithMasterKey(json, other));
    }

    [Fact]
    public void Adding_a_second_key_for_the_same_did_is_refused()
    {
        var wallet = KeyWallet.CreateWithPassphrase("p", Cheap(), out var sealer);
        using (sealer)
        using (var key = PrivateKey.Generate(KeyType.Ed25519))
        {
            var did = DidKey.Create(key.PublicKey);
            wallet = wallet.Add(key, did, null, sealer, s_now);

            Assert.Throws<ArgumentException>("did", () => wallet.Add(key, did, null, sealer, s_now));
        }
    }
}
