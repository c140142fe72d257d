using System.Globalization;
using System.Text;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Storage;

namespace IdentityEhr.Embedded;

/// <summary>Where the service's database and chain are: given by the operator, or the embedded defaults.</summary>
/// <remarks>Read from variables named as the constants here; an empty variable counts as unset.</remarks>
public sealed record EhrSettings
{
    /// <summary>PostgreSQL connection string; unset means a private cluster.</summary>
    public const string PostgresVariable = "EHR_POSTGRES";

    /// <summary>Ethereum JSON-RPC URL; unset means a local anvil.</summary>
    public const string EthereumRpcVariable = "EHR_ETH_RPC";

    /// <summary>The chain id the node at <see cref="EthereumRpcVariable"/> must report.</summary>
    public const string ChainIdVariable = "EHR_CHAIN_ID";

    /// <summary>Address of the ERC-1056 registry on the chain given by <see cref="EthereumRpcVariable"/>.</summary>
    public const string DidRegistryVariable = "EHR_DID_REGISTRY";

    /// <summary>Address of the AuditAnchor contract on the chain given by <see cref="EthereumRpcVariable"/>.</summary>
    public const string AuditAnchorVariable = "EHR_AUDIT_ANCHOR";

    /// <summary>More chains to resolve did:ethr on: a JSON array of <c>{"name", "chainId", "rpc", "registry"}</c>.</summary>
    public const string EthrNetworksVariable = "EHR_ETHR_NETWORKS";

    /// <summary>Folder for the embedded defaults' data; unset means throwaway folders in the temp folder.</summary>
    public const string DataDirectoryVariable = "EHR_DATA_DIR";

    /// <summary>Folder with PostgreSQL's server binaries, when not Debian's.</summary>
    public const string PostgresBinVariable = "EHR_PG_BIN";

    /// <summary>Path of the anvil executable, when not the pinned npm package.</summary>
    public const string AnvilVariable = "EHR_ANVIL";

    /// <summary>Gets the PostgreSQL connection string, or <see langword="null"/> for a private cluster. It may hold a password.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Gets the Ethereum JSON-RPC URL, or <see langword="null"/> for a local anvil. It may hold an API key.</summary>
    public Uri? EthereumRpc { get; init; }

    /// <summary>Gets the chain id the node must report; required with <see cref="EthereumRpc"/>.</summary>
    public ulong? ChainId { get; init; }

    /// <summary>Gets the ERC-1056 registry's address on the configured chain, or <see langword="null"/>.</summary>
    public Ethereum.Address? DidRegistry { get; init; }

    /// <summary>Gets the AuditAnchor contract's address on the configured chain, or <see langword="null"/>.</summary>
    public Ethereum.Address? AuditAnchor { get; init; }

    /// <summary>Gets the other chains did:ethr DIDs may name, besides the service's own.</summary>
    public IReadOnlyList<EthrNetworkSetting> EthrNetworks { get; init; } = [];

    /// <summary>Gets the folder that keeps the embedded defaults' data across runs, or <see langword="null"/> for throwaway folders.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Gets the folder with PostgreSQL's server binaries, or <see langword="null"/> to find Debian's.</summary>
    public string? PostgresBinDirectory { get; init; }

    /// <summary>Gets the anvil executable, or <see langword="null"/> to find the pinned npm package.</summary>
    public string? AnvilPath { get; init; }

    /// <summary>Reads and checks the settings from variables.</summary>
    /// <param name="lookup">Returns a variable's value, or <see langword="null"/> when it is unset.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lookup"/> is <see langword="null"/>.</exception>
    /// <exception cref="InfrastructureConfigurationException">A value is malformed or contradicts another.</exception>
    public static EhrSettings Read(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        string? Get(string name) => lookup(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var postgres = Get(PostgresVariable);
        if (postgres is not null && !PostgresServer.TryValidateConnectionString(postgres, out var reason))
        {
            throw new InfrastructureConfigurationException($"{PostgresVariable} is not a usable connection string: {reason}");
        }

        Uri? rpc = null;
        if (Get(EthereumRpcVariable) is { } rpcText
            && (!Uri.TryCreate(rpcText, UriKind.Absolute, out rpc) || !EthereumRpcClient.IsHttpUrl(rpc)))
        {
            throw new InfrastructureConfigurationException($"{EthereumRpcVariable} must be an absolute http:// or https:// URL");
        }

        ulong? chainId = null;
        if (Get(ChainIdVariable) is { } chainText)
        {
            chainId = ulong.TryParse(chainText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? id
                : throw new InfrastructureConfigurationException($"{ChainIdVariable} must be a positive decimal integer, such as 31337");
        }

        if (rpc is not null && chainId is null)
        {
            throw new InfrastructureConfigurationException(
                $"{ChainIdVariable} must be set with {EthereumRpcVariable}: the chain the service anchors on is never guessed");
        }

        if (rpc is null && chainId is not null && chainId != DevelopmentChain.ChainId)
        {
            throw new InfrastructureConfigurationException(
                $"{ChainIdVariable} is {chainId} but {EthereumRpcVariable} is not set; the embedded chain's id is {DevelopmentChain.ChainId}");
        }

        var registry = ReadAddress(Get(DidRegistryVariable), DidRegistryVariable, rpc);
        var anchor = ReadAddress(Get(AuditAnchorVariable), AuditAnchorVariable, rpc);
        if ((registry is null) != (anchor is null))
        {
            throw new InfrastructureConfigurationException($"{DidRegistryVariable} and {AuditAnchorVariable} go together: set both or neither");
        }

        return new EhrSettings
        {
            EthrNetworks = ReadNetworks(Get(EthrNetworksVariable)),
            DidRegistry = registry,
            AuditAnchor = anchor,
            PostgresConnectionString = postgres,
            EthereumRpc = rpc,
            ChainId = chainId,
            DataDirectory = Get(DataDirectoryVariable),
            PostgresBinDirectory = Get(PostgresBinVariable),
            AnvilPath = Get(AnvilVariable),
        };
    }

    /// <summary>Lists which settings are given, without their values: connection strings and RPC URLs hold secrets.</summary>
    /// <param name="builder">The builder to append to.</param>
    /// <returns><see langword="true"/>, as records require.</returns>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Postgres = {(PostgresConnectionString is null ? "embedded" : "given")}, ");
        builder.Append(CultureInfo.InvariantCulture, $"EthereumRpc = {(EthereumRpc is null ? "embedded" : EthereumRpcClient.DescribeEndpoint(EthereumRpc))}, ");
        builder.Append(CultureInfo.InvariantCulture, $"ChainId = {ChainId}, DataDirectory = {DataDirectory}");
        return true;
    }

    private static Ethereum.Address? ReadAddress(string? text, string variable, Uri? rpc)
    {
        if (text is null)
        {
            return null;
        }

        if (rpc is null)
        {
            throw new InfrastructureConfigurationException($"{variable} applies only with {EthereumRpcVariable}; the embedded chain deploys its own contracts");
        }

        return Ethereum.Address.TryParse(text, out var address)
            ? address
            : throw new InfrastructureConfigurationException($"{variable} must be an address: 0x and 40 hexadecimal digits (checksummed or one case)");
    }

    private static List<EthrNetworkSetting> ReadNetworks(string? json)
    {
        if (json is null)
        {
            return [];
        }

        const string Shape = $"{EthrNetworksVariable} must be a JSON array of {{\"name\": \"mainnet\", \"chainId\": 1, \"rpc\": \"https://…\", \"registry\": \"0x…\"}}";
        System.Text.Json.Nodes.JsonArray? array;
        try
        {
            array = System.Text.Json.Nodes.JsonNode.Parse(json) as System.Text.Json.Nodes.JsonArray;
        }
        catch (System.Text.Json.JsonException)
        {
            array = null;
        }

        if (array is null || array.Count > 32)
        {
            throw new InfrastructureConfigurationException(Shape);
        }

        var networks = new List<EthrNetworkSetting>();
        foreach (var item in array)
        {
            if (item is not System.Text.Json.Nodes.JsonObject entry
                || entry["name"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || entry["name"]!.GetValue<string>() is not { Length: > 0 and <= 32 } name
                || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                || entry["chainId"] is not System.Text.Json.Nodes.JsonValue id || id.GetValueKind() != System.Text.Json.JsonValueKind.Number || !id.TryGetValue<ulong>(out var chainId) || chainId == 0
                || !Uri.TryCreate(entry["rpc"]?.ToString(), UriKind.Absolute, out var rpc) || !EthereumRpcClient.IsHttpUrl(rpc)
                || !Ethereum.Address.TryParse(entry["registry"]?.ToString(), out var registry))
            {
                throw new InfrastructureConfigurationException(Shape);
            }

            if (networks.Any(n => n.Name == name || n.ChainId == chainId))
            {
                throw new InfrastructureConfigurationException($"{EthrNetworksVariable} names network '{name}' or chain {chainId} twice");
            }

            networks.Add(new EthrNetworkSetting(name, chainId, rpc, registry));
        }

        return networks;
    }
}
