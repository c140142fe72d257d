namespace IdentityEhr.Embedded.Tests;

public sealed class EhrSettingsTests
{
    private static EhrSettings Read(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return EhrSettings.Read(name => map.GetValueOrDefault(name));
    }

    private static string ErrorOf(params (string Name, string Value)[] variables) =>
        Assert.Throws<InfrastructureConfigurationException>(() => Read(variables)).Message;

    [Fact]
    public void Read_with_nothing_set_selects_the_embedded_defaults()
    {
        var settings = Read();

        Assert.Equal((null, null, null), (settings.PostgresConnectionString, settings.EthereumRpc, settings.ChainId));
    }

    [Fact]
    public void Read_treats_empty_variables_as_unset()
    {
        var settings = Read(("EHR_POSTGRES", ""), ("EHR_ETH_RPC", "  "));

        Assert.Equal((null, null), (settings.PostgresConnectionString, settings.EthereumRpc));
    }

    [Fact]
    public void Read_accepts_an_rpc_url_with_its_chain_id()
    {
        var settings = Read(("EHR_ETH_RPC", "http://127.0.0.1:8545"), ("EHR_CHAIN_ID", "1337"));

        Assert.Equal(1337UL, settings.ChainId);
    }

    [Fact]
    public void Read_requires_a_chain_id_with_an_rpc_url()
    {
        Assert.Equal(
            "EHR_CHAIN_ID must be set with EHR_ETH_RPC: the chain the service anchors on is never guessed",
            ErrorOf(("EHR_ETH_RPC", "http://127.0.0.1:8545")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("0x7a69")]
    [InlineData("18446744073709551616")]
    [InlineData("31337 ; rm")]
    public void Read_refuses_a_chain_id_that_is_not_a_positive_decimal(string chainId)
    {
        Assert.Equal(
            "EHR_CHAIN_ID must be a positive decimal integer, such as 31337",
            ErrorOf(("EHR_ETH_RPC", "http://127.0.0.1:8545"), ("EHR_CHAIN_ID", chainId)));
    }

    [Theory]
    [InlineData("127.0.0.1:8545")]
    [InlineData("ws://127.0.0.1:8546")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public void Read_refuses_an_rpc_url_that_is_not_http(string rpc)
    {
        Assert.Equal(
            "EHR_ETH_RPC must be an absolute http:// or https:// URL",
            ErrorOf(("EHR_ETH_RPC", rpc), ("EHR_CHAIN_ID", "1")));
    }

    [Fact]
    public void Read_refuses_a_chain_id_for_the_embedded_chain_that_is_not_its_own()
    {
        Assert.Equal(
            "EHR_CHAIN_ID is 1 but EHR_ETH_RPC is not set; the embedded chain's id is 31337",
            ErrorOf(("EHR_CHAIN_ID", "1")));
    }

    [Fact]
    public void Read_refuses_a_malformed_connection_string_without_echoing_it()
    {
        var message = ErrorOf(("EHR_POSTGRES", "Host=db;Pasword=synthetic-not-a-secret"));

        Assert.Equal(
            "EHR_POSTGRES is not a usable connection string: it is not a 'Key=Value;...' connection string with keys that Npgsql knows",
            message);
    }

    [Fact]
    public void Read_refuses_a_connection_string_without_a_host()
    {
        Assert.Equal(
            "EHR_POSTGRES is not a usable connection string: it has no Host",
            ErrorOf(("EHR_POSTGRES", "Username=ehr;Password=synthetic")));
    }

    [Fact]
    public void ToString_never_shows_the_connection_string_or_rpc_path()
    {
        var settings = Read(
            ("EHR_POSTGRES", "Host=db;Username=ehr;Password=synthetic-password"),
            ("EHR_ETH_RPC", "https://rpc.example.org/v3/synthetic-api-key"),
            ("EHR_CHAIN_ID", "1"));

        var text = settings.ToString();

        Assert.DoesNotContain("synthetic", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_takes_extra_did_ethr_networks()
    {
        var settings = Read(("EHR_ETHR_NETWORKS", """[{"name":"mainnet","chainId":1,"rpc":"https://rpc.example.org/v3/synthetic","registry":"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b"}]"""));

        Assert.Equal(("mainnet", 1UL), (settings.EthrNetworks[0].Name, settings.EthrNetworks[0].ChainId));
    }

    [Theory]
    [InlineData("""{"name":"mainnet"}""")]
    [InlineData("""[{"name":"Main Net","chainId":1,"rpc":"https://rpc.example.org","registry":"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b"}]""")]
    [InlineData("""[{"name":"mainnet","chainId":0,"rpc":"https://rpc.example.org","registry":"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b"}]""")]
    [InlineData("""[{"name":"mainnet","chainId":1,"rpc":"ws://rpc.example.org","registry":"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b"}]""")]
    [InlineData("""[{"name":"mainnet","chainId":1,"rpc":"https://rpc.example.org","registry":"0xnope"}]""")]
    [InlineData("""not json""")]
    public void Read_refuses_a_malformed_network_list_in_one_line(string json)
    {
        Assert.StartsWith("EHR_ETHR_NETWORKS must be a JSON array of", ErrorOf(("EHR_ETHR_NETWORKS", json)), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_network_named_twice()
    {
        const string entry = """{"name":"mainnet","chainId":1,"rpc":"https://rpc.example.org","registry":"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b"}""";

        Assert.Equal("EHR_ETHR_NETWORKS names network 'mainnet' or chain 1 twice", ErrorOf(("EHR_ETHR_NETWORKS", $"[{entry},{entry}]")));
    }

    [Fact]
    public void Registry_and_anchor_go_together()
    {
        Assert.Equal(
            "EHR_DID_REGISTRY and EHR_AUDIT_ANCHOR go together: set both or neither",
            ErrorOf(("EHR_ETH_RPC", "http://127.0.0.1:8545"), ("EHR_CHAIN_ID", "1"), ("EHR_DID_REGISTRY", "0xdca7ef03e98e0dc2b855be647c39abe984fcf21b")));
    }
}
