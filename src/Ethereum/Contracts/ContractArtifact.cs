using System.Text.Json;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Contracts;

/// <summary>A compiled contract: its ABI and creation bytecode, as committed under <c>contracts/artifacts</c>.</summary>
public sealed class ContractArtifact
{
    private readonly byte[] _bytecode;
    private readonly byte[] _deployedBytecode;

    private ContractArtifact(string contractName, string sourceName, string abiJson, byte[] bytecode, byte[] deployedBytecode)
    {
        ContractName = contractName;
        SourceName = sourceName;
        AbiJson = abiJson;
        _bytecode = bytecode;
        _deployedBytecode = deployedBytecode;
    }

    /// <summary>Gets the ERC-1056 <c>EthereumDIDRegistry</c>, as published by the npm package <c>ethr-did-registry</c>.</summary>
    public static ContractArtifact EthereumDidRegistry { get; } = LoadEmbedded("EthereumDIDRegistry");

    /// <summary>Gets the <c>AuditAnchor</c> contract compiled from <c>contracts/src/AuditAnchor.sol</c>.</summary>
    public static ContractArtifact AuditAnchor { get; } = LoadEmbedded("AuditAnchor");

    /// <summary>Gets the contract's name.</summary>
    public string ContractName { get; }

    /// <summary>Gets where the contract's source comes from.</summary>
    public string SourceName { get; }

    /// <summary>Gets the contract's ABI as JSON text.</summary>
    public string AbiJson { get; }

    /// <summary>Gets the creation bytecode (init code), without constructor arguments.</summary>
    public ReadOnlySpan<byte> Bytecode => _bytecode;

    /// <summary>Gets the runtime bytecode that a successful deployment leaves at the contract's address.</summary>
    public ReadOnlySpan<byte> DeployedBytecode => _deployedBytecode;

    /// <summary>Reads an artifact in the JSON shape that <c>contracts/compile.mjs</c> writes.</summary>
    /// <param name="json">The artifact JSON.</param>
    /// <returns>The artifact.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The JSON is not such an artifact.</exception>
    public static ContractArtifact Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var name = root.GetProperty("contractName").GetString();
            var source = root.GetProperty("sourceName").GetString();
            var abi = root.GetProperty("abi");
            if (name is null || source is null || abi.ValueKind != JsonValueKind.Array
                || !Hex.TryDecodeData(root.GetProperty("bytecode").GetString(), out var bytecode) || bytecode.Length == 0
                || !Hex.TryDecodeData(root.GetProperty("deployedBytecode").GetString(), out var deployed) || deployed.Length == 0)
            {
                throw new FormatException("A contract artifact needs contractName, sourceName, abi, bytecode and deployedBytecode.");
            }

            return new ContractArtifact(name, source, abi.GetRawText(), bytecode, deployed);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("A contract artifact needs contractName, sourceName, abi, bytecode and deployedBytecode.", e);
        }
    }

    private static ContractArtifact LoadEmbedded(string name)
    {
        var resource = $"IdentityEhr.Ethereum.Contracts.{name}.json";
        using var stream = typeof(ContractArtifact).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The assembly lacks the embedded contract artifact {resource}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
