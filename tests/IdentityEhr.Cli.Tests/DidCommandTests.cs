using System.Text.Json;

namespace IdentityEhr.Cli.Tests;

public sealed class DidCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-cli-wallet-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string WalletPath => Path.Combine(_directory, "wallet.json");

    private Task<int> RunAsync(string passphrase, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["EHR_WALLET"] = WalletPath, ["EHR_WALLET_PASSPHRASE"] = passphrase };
        return new CliApp(_output, _error, name => environment.GetValueOrDefault(name)).RunAsync(args, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Create_prints_a_did_key_and_stores_it_in_the_wallet()
    {
        await RunAsync("synthetic", "did", "create");
        var did = _output.ToString().Trim();
        _output.GetStringBuilder().Clear();

        await RunAsync("synthetic", "did", "list", "--json");

        Assert.Equal(did, JsonDocument.Parse(_output.ToString()).RootElement[0].GetProperty("did").GetString());
    }

    [Theory]
    [InlineData("ed25519", "z6Mk")]
    [InlineData("secp256k1", "zQ3s")]
    [InlineData("p256", "zDn")]
    public async Task Create_with_a_key_type_gives_that_type_of_did(string type, string prefix)
    {
        await RunAsync("synthetic", "did", "create", "--type", type);

        Assert.StartsWith("did:key:" + prefix, _output.ToString().Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wallet_file_is_readable_by_its_owner_only()
    {
        await RunAsync("synthetic", "did", "create");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(WalletPath));
    }

    [Fact]
    public async Task A_wrong_passphrase_exits_2_with_one_line()
    {
        await RunAsync("synthetic", "did", "create");

        var exitCode = await RunAsync("wrong", "did", "list");

        Assert.Equal((ExitCodes.UsageError, "ehr: the passphrase does not open this wallet"), (exitCode, _error.ToString().TrimEnd()));
    }

    [Fact]
    public async Task A_wrong_passphrase_leaves_the_wallet_unchanged()
    {
        await RunAsync("synthetic", "did", "create");
        var before = await File.ReadAllTextAsync(WalletPath, TestContext.Current.CancellationToken);

        await RunAsync("wrong", "did", "create");

        Assert.Equal(before, await File.ReadAllTextAsync(WalletPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task List_without_a_wallet_says_how_to_make_one()
    {
        var exitCode = await RunAsync("synthetic", "did", "list");

        Assert.Equal((ExitCodes.UsageError, $"ehr: no wallet at {WalletPath} (create one with 'ehr did create', or set EHR_WALLET)"), (exitCode, _error.ToString().TrimEnd()));
    }

    [Fact]
    public async Task A_damaged_wallet_file_exits_2_with_one_line()
    {
        await File.WriteAllTextAsync(WalletPath, "{\"format\":", TestContext.Current.CancellationToken);

        var exitCode = await RunAsync("synthetic", "did", "list");

        Assert.Equal((ExitCodes.UsageError, "ehr: the wallet file is not valid JSON"), (exitCode, _error.ToString().TrimEnd()));
    }

    [Fact]
    public async Task Resolve_local_prints_the_document()
    {
        await RunAsync("synthetic", "did", "resolve", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "--local");

        Assert.Equal("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", JsonDocument.Parse(_output.ToString()).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Resolve_local_of_an_invalid_did_exits_2_with_the_reason()
    {
        var exitCode = await RunAsync("synthetic", "did", "resolve", "did:key:abc", "--local");

        Assert.Equal((ExitCodes.UsageError, "ehr: Invalid DID: a did:key identifier is base58btc multibase and starts with 'z'"), (exitCode, _error.ToString().TrimEnd()));
    }

    [Fact]
    public async Task Resolve_json_prints_the_whole_resolution_result()
    {
        await RunAsync("synthetic", "did", "resolve", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "--local", "--json");

        Assert.True(JsonDocument.Parse(_output.ToString()).RootElement.TryGetProperty("didResolutionMetadata", out _));
    }

    [Fact]
    public async Task An_unknown_key_type_exits_2_with_one_line()
    {
        var exitCode = await RunAsync("synthetic", "did", "create", "--type", "rsa");

        Assert.Equal((ExitCodes.UsageError, 1), (exitCode, _error.ToString().TrimEnd().Split('\n').Length));
    }

    [Fact]
    public async Task Create_ethr_names_the_address_of_a_new_secp256k1_key()
    {
        await RunAsync("synthetic", "did", "create", "--method", "ethr", "--network", "0x7a69", "--json");
        var created = JsonDocument.Parse(_output.ToString()).RootElement;
        Assert.True(IdentityEhr.Identity.Keys.Multikey.TryParsePublic(created.GetProperty("publicKeyMultibase").GetString(), out _, out var key, out _));

        Assert.Equal($"did:ethr:0x7a69:{IdentityEhr.Ethereum.Address.FromPublicKey(key)}", created.GetProperty("did").GetString());
    }

    [Fact]
    public async Task Create_ethr_with_another_key_type_exits_2()
    {
        var exitCode = await RunAsync("synthetic", "did", "create", "--method", "ethr", "--type", "ed25519", "--network", "0x7a69");

        Assert.Equal((ExitCodes.UsageError, "ehr: a did:ethr is a secp256k1 key; leave out --type or give --type secp256k1"), (exitCode, ErrorLine));
    }

    [Fact]
    public async Task Create_ethr_without_a_network_or_service_exits_2()
    {
        var exitCode = await RunAsync("synthetic", "did", "create", "--method", "ethr", "--url", "http://127.0.0.1:1");

        Assert.Equal(ExitCodes.UsageError, exitCode);
    }

    private string ErrorLine => _error.ToString().TrimEnd('\n');
}
