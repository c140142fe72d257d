using IdentityEhr.Ethereum.Abi;
using IdentityEhr.Ethereum.Contracts;

namespace IdentityEhr.Ethereum.Tests;

public sealed class ContractAbiTests
{
    private const string WithTuples = """
        [
          {"type":"constructor","inputs":[{"name":"owner","type":"address"}]},
          {"type":"error","name":"Unauthorized","inputs":[]},
          {"type":"function","name":"submit","inputs":[{"name":"items","type":"tuple[2][]","components":[{"name":"id","type":"uint"},{"name":"inner","type":"tuple","components":[{"name":"ok","type":"bool"}]}]}],"outputs":[{"name":"","type":"bytes32"}]},
          {"name":"implicitFunction","inputs":[]},
          {"type":"function","name":"over","inputs":[{"name":"a","type":"uint8"}]},
          {"type":"function","name":"over","inputs":[{"name":"a","type":"bool"}]},
          {"type":"event","name":"Done","inputs":[{"name":"id","type":"uint256","indexed":true}],"anonymous":false}
        ]
        """;

    [Fact]
    public void Tuple_parameters_expand_their_components()
    {
        Assert.Equal("submit((uint256,(bool))[2][])", ContractAbi.Parse(WithTuples).GetFunction("submit").Signature);
    }

    [Fact]
    public void Function_outputs_are_read()
    {
        Assert.Equal([AbiFixedBytesType.Bytes32], ContractAbi.Parse(WithTuples).GetFunction("submit").Outputs);
    }

    [Fact]
    public void Entries_without_a_type_are_functions_and_others_are_skipped()
    {
        Assert.Equal(
            ["submit((uint256,(bool))[2][])", "implicitFunction()", "over(uint8)", "over(bool)"],
            ContractAbi.Parse(WithTuples).Functions.Select(f => f.Signature));
    }

    [Fact]
    public void GetFunction_finds_an_overload_by_its_signature()
    {
        Assert.Equal("over(bool)", ContractAbi.Parse(WithTuples).GetFunction("over(bool)").Signature);
    }

    [Fact]
    public void GetFunction_of_an_overloaded_name_throws()
    {
        var abi = ContractAbi.Parse(WithTuples);

        Assert.Throws<ArgumentException>("nameOrSignature", () => abi.GetFunction("over"));
    }

    [Fact]
    public void GetEvent_of_an_unknown_name_throws()
    {
        var abi = ContractAbi.Parse(WithTuples);

        Assert.Throws<ArgumentException>("nameOrSignature", () => abi.GetEvent("Missing"));
    }

    [Fact]
    public void Events_keep_their_indexed_flags()
    {
        Assert.True(ContractAbi.Parse(WithTuples).GetEvent("Done").Parameters[0].IsIndexed);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[{\"type\":\"function\",\"name\":\"f\",\"inputs\":[{\"name\":\"a\",\"type\":\"uint7\"}]}]")]
    [InlineData("[{\"type\":\"function\",\"inputs\":[]}]")]
    [InlineData("[{\"type\":\"function\",\"name\":\"f\",\"inputs\":[{\"name\":\"a\",\"type\":\"tuple\"}]}]")]
    [InlineData("not json")]
    public void Parse_of_an_invalid_abi_throws_FormatException(string json)
    {
        Assert.Throws<FormatException>(() => ContractAbi.Parse(json));
    }

    [Fact]
    public void Audit_anchor_artifact_has_its_functions()
    {
        var abi = ContractAbi.Parse(ContractArtifact.AuditAnchor.AbiJson);

        Assert.Equal(
            ["ANCHOR_DELEGATE_TYPE()", "anchor(bytes32,uint64)", "count()", "identity()", "registry()", "treeSize()"],
            abi.Functions.Select(f => f.Signature).Order(StringComparer.Ordinal));
    }
}
