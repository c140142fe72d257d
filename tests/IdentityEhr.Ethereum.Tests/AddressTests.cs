using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

public sealed class AddressTests
{
    public static TheoryData<string> Eip55() =>
        new(Read("transcribed/eip55.json").GetProperty("groups").EnumerateObject().SelectMany(g => g.Value.EnumerateArray()).Select(a => a.GetString()!));

    public static TheoryData<string> Accounts() => new(Read("ethers-testcases/accounts.json").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Eip55))]
    public void Eip55_test_cases_parse_and_checksum(string text)
    {
        var address = Address.Parse(text);
        var mixed = text.Any(char.IsAsciiLetterLower) && text[2..].Any(char.IsAsciiLetterUpper);

        Assert.True(!mixed || address.ToChecksumString() == text);
    }

    [Theory]
    [MemberData(nameof(Accounts))]
    public void Ethers_accounts_derive_their_checksummed_address(string name)
    {
        var vector = Read("ethers-testcases/accounts.json").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        var publicKey = Crypto.Secp256k1.DerivePublicKey(Hex(vector, "privateKey"));

        Assert.Equal(vector.GetProperty("address").GetString(), Address.FromPublicKey(publicKey).ToChecksumString());
    }

    [Fact]
    public void Keyaddrtest_keys_derive_their_addresses()
    {
        foreach (var vector in Read("ethereum-tests/BasicTests/keyaddrtest.json").EnumerateArray())
        {
            var publicKey = Crypto.Secp256k1.DerivePublicKey(Hex(vector, "key"));
            Assert.Equal(vector.GetProperty("addr").GetString()!.ToLowerInvariant().TrimStart('0', 'x').PadLeft(40, '0'), Address.FromPublicKey(publicKey).ToString()[2..]);
        }
    }

    [Fact]
    public void A_mixed_case_address_with_a_wrong_checksum_is_refused()
    {
        Assert.False(Address.TryParse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", out _));
    }

    [Theory]
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedd")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg")]
    public void Malformed_addresses_are_refused(string text)
    {
        Assert.False(Address.TryParse(text, out _));
    }
}
