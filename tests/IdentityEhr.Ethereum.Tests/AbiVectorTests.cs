using System.Text.Json;
using IdentityEhr.Ethereum.Abi;
using IdentityEhr.Ethereum.Contracts;
using static IdentityEhr.Ethereum.Tests.EthereumVectors;

namespace IdentityEhr.Ethereum.Tests;

/// <summary>
/// ABI vectors: ethereum-tests/ABITests/basic_abi_tests.json (ethereum/tests, MIT), transcribed/solidity-abi-spec-examples.json
/// (Solidity docs, abi-spec.rst) and generated/abi-generated.json (ethers 6.17.0 and anvil 1.7.1); sources in the vectors README.
/// </summary>
public sealed class AbiVectorTests
{
    private const string Basic = "ethereum-tests/ABITests/basic_abi_tests.json";
    private const string Spec = "transcribed/solidity-abi-spec-examples.json";
    private const string Generated = "generated/abi-generated.json";

    private static readonly ContractAbi s_registry = ContractAbi.Parse(ContractArtifact.EthereumDidRegistry.AbiJson);

    public static TheoryData<string> BasicCases() => new(Read(Basic).EnumerateObject().Select(p => p.Name));

    public static TheoryData<string> SpecCases() => new(SpecVectors().Select(c => c.GetProperty("signature").GetString()!));

    public static TheoryData<string> EventTopics() => new(Erc1056().GetProperty("eventTopics").EnumerateObject().Select(p => p.Name));

    public static TheoryData<string> FunctionSelectors() => new(Erc1056().GetProperty("functionSelectors").EnumerateObject().Select(p => p.Name));

    public static TheoryData<int> Logs() => new(Enumerable.Range(0, Erc1056().GetProperty("decodedLogsFromAnvilRun").GetArrayLength()));

    private static JsonElement.ArrayEnumerator SpecVectors() => Read(Spec).GetProperty("cases").EnumerateArray();

    private static JsonElement SpecVector(string signature) => SpecVectors().Single(c => c.GetProperty("signature").GetString() == signature);

    private static JsonElement Erc1056() => Read(Generated).GetProperty("erc1056");

    private static AbiType[] Types(JsonElement vector) => [.. vector.GetProperty("types").EnumerateArray().Select(t => AbiType.Parse(t.GetString()!))];

    private static string Text(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [Theory]
    [MemberData(nameof(BasicCases))]
    public void Basic_abi_tests_encode_to_their_result(string name)
    {
        var vector = Read(Basic).GetProperty(name);
        var types = Types(vector);

        var encoded = AbiCodec.Encode(types, AbiVectorValues.FromJson(types, vector.GetProperty("args")));

        Assert.Equal(vector.GetProperty("result").GetString(), Text(encoded));
    }

    [Theory]
    [MemberData(nameof(BasicCases))]
    public void Basic_abi_tests_result_decodes_to_their_args(string name)
    {
        var vector = Read(Basic).GetProperty(name);
        var types = Types(vector);

        Assert.True(AbiCodec.TryDecode(types, Hex(vector, "result"), out var values, out _));
        Assert.Equal(AbiVectorValues.FromJson(types, vector.GetProperty("args")), values);
    }

    [Theory]
    [MemberData(nameof(SpecCases))]
    public void Spec_examples_have_their_selector(string signature)
    {
        Assert.Equal(Text(Hex(SpecVector(signature), "selector")), Text(FunctionSignature.Parse(signature).Selector));
    }

    [Theory]
    [MemberData(nameof(SpecCases))]
    public void Spec_examples_encode_to_their_calldata(string signature)
    {
        var vector = SpecVector(signature);
        var function = FunctionSignature.Parse(signature);

        var calldata = function.EncodeCall(AbiVectorValues.FromJson(function.Inputs, vector.GetProperty("args")));

        Assert.Equal(Text(Hex(vector, "calldata")), Text(calldata));
    }

    [Theory]
    [MemberData(nameof(SpecCases))]
    public void Spec_examples_calldata_decodes_to_their_args(string signature)
    {
        var vector = SpecVector(signature);
        var function = FunctionSignature.Parse(signature);

        Assert.True(AbiCodec.TryDecode(function.Inputs, Hex(vector, "calldata").AsSpan(FunctionSignature.SelectorSizeInBytes), out var values, out _));
        Assert.Equal(AbiVectorValues.FromJson(function.Inputs, vector.GetProperty("args")), values);
    }

    [Fact]
    public void Spec_Transfer_event_has_its_topic0()
    {
        var transfer = EventSignature.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

        Assert.Equal(Text(Hex(Read(Spec).GetProperty("eventExample"), "TransferTopic0")), Text(transfer.Topic0));
    }

    [Fact]
    public void Anchor_call_encodes_to_the_generated_calldata()
    {
        var vector = Read(Generated).GetProperty("anchorContract");
        var anchor = FunctionSignature.Parse(vector.GetProperty("function").GetString()!);

        var calldata = anchor.EncodeCall(AbiVectorValues.FromJson(anchor.Inputs, vector.GetProperty("exampleArgs")));

        Assert.Equal(Text(Hex(vector, "calldata")), Text(calldata));
    }

    [Fact]
    public void Anchor_selector_is_the_generated_selector()
    {
        var vector = Read(Generated).GetProperty("anchorContract");

        Assert.Equal(Text(Hex(vector, "selector")), Text(FunctionSignature.Parse(vector.GetProperty("function").GetString()!).Selector));
    }

    [Fact]
    public void Audit_anchor_artifact_anchor_selector_is_the_generated_selector()
    {
        var abi = ContractAbi.Parse(ContractArtifact.AuditAnchor.AbiJson);

        Assert.Equal(Text(Hex(Read(Generated).GetProperty("anchorContract"), "selector")), Text(abi.GetFunction("anchor").Selector));
    }

    [Fact]
    public void Generated_Anchored_event_has_the_generated_topic0()
    {
        var vector = Read(Generated).GetProperty("anchorContract");

        Assert.Equal(Text(Hex(vector, "topic0")), Text(EventSignature.Parse(vector.GetProperty("event").GetString()!).Topic0));
    }

    [Fact]
    public void Audit_anchor_artifact_Anchored_event_is_not_the_generated_design()
    {
        // The vectors' Anchored(uint256,bytes32,uint64,uint64) is the AnchorSequence design measured on anvil, not contracts/src/AuditAnchor.sol.
        var anchored = ContractAbi.Parse(ContractArtifact.AuditAnchor.AbiJson).GetEvent("Anchored");

        Assert.Equal(
            ("Anchored(uint64,bytes32,uint64)", false),
            (anchored.Signature, anchored.Topic0.SequenceEqual(Hex(Read(Generated).GetProperty("anchorContract"), "topic0"))));
    }

    [Fact]
    public void Verified_Anchored_log_from_anvil_decodes_to_its_fields()
    {
        var vector = Read("generated/anchor-verify-anvil.json");
        var log = vector.GetProperty("getLogsByRoot")[0];
        var anchored = EventSignature.Parse("Anchored(uint256 indexed seq, bytes32 indexed root, uint64 treeSize, uint64 timestamp)");

        Assert.True(anchored.TryDecodeLog([.. log.GetProperty("topics").EnumerateArray().Select(t => Hex(t.GetString()!))], Hex(log, "data"), out var fields, out _));
        Assert.Equal(Expected(anchored, vector.GetProperty("decoded")), fields);
    }

    [Fact]
    public void SetAttribute_call_encodes_to_the_generated_calldata()
    {
        var vector = Erc1056().GetProperty("setAttributeCalldata");
        var setAttribute = s_registry.GetFunction("setAttribute");

        var calldata = setAttribute.EncodeCall(AbiVectorValues.FromJson(setAttribute.Inputs, vector.GetProperty("args")));

        Assert.Equal(Text(Hex(vector, "calldata")), Text(calldata));
    }

    [Fact]
    public void Changed_call_encodes_to_the_generated_calldata()
    {
        var identity = Erc1056().GetProperty("setAttributeCalldata").GetProperty("args")[0].GetString()!;

        var calldata = FunctionSignature.Parse("changed(address)").EncodeCall(new AbiAddress(Address.Parse(identity)));

        Assert.Equal(Text(Hex(Erc1056().GetProperty("changedCall"), "calldata")), Text(calldata));
    }

    [Theory]
    [MemberData(nameof(EventTopics))]
    public void Erc1056_events_have_their_generated_topic0(string signature)
    {
        Assert.Equal(Text(Hex(Erc1056().GetProperty("eventTopics"), signature)), Text(EventSignature.Parse(signature).Topic0));
    }

    [Theory]
    [MemberData(nameof(EventTopics))]
    public void Registry_artifact_events_have_the_generated_topic0(string signature)
    {
        Assert.Equal(Text(Hex(Erc1056().GetProperty("eventTopics"), signature)), Text(s_registry.GetEvent(signature).Topic0));
    }

    [Theory]
    [MemberData(nameof(FunctionSelectors))]
    public void Erc1056_functions_have_their_generated_selector(string signature)
    {
        Assert.Equal(Text(Hex(Erc1056().GetProperty("functionSelectors"), signature)), Text(FunctionSignature.Parse(signature).Selector));
    }

    [Theory]
    [MemberData(nameof(FunctionSelectors))]
    public void Registry_artifact_functions_have_the_generated_selector(string signature)
    {
        Assert.Equal(Text(Hex(Erc1056().GetProperty("functionSelectors"), signature)), Text(s_registry.GetFunction(signature).Selector));
    }

    [Fact]
    public void Registry_artifact_has_exactly_the_generated_functions()
    {
        var generated = Erc1056().GetProperty("functionSelectors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(generated, s_registry.Functions.Select(f => f.Signature).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Logs))]
    public void Registry_logs_from_anvil_decode_to_their_arguments(int index)
    {
        var log = Erc1056().GetProperty("decodedLogsFromAnvilRun")[index];
        var signature = s_registry.GetEvent(log.GetProperty("event").GetString()!);

        Assert.True(signature.TryDecodeLog([.. log.GetProperty("topics").EnumerateArray().Select(t => Hex(t.GetString()!))], Hex(log, "data"), out var fields, out _));
        Assert.Equal(Expected(signature, log.GetProperty("args")), fields);
    }

    private static Dictionary<string, AbiValue> Expected(EventSignature signature, JsonElement args) =>
        signature.Parameters.ToDictionary(p => p.Name, p => AbiVectorValues.FromJson(p.Type, args.GetProperty(p.Name)));
}
