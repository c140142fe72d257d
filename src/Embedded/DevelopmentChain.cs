namespace IdentityEhr.Embedded;

/// <summary>The fixed parameters of the embedded local chain, so that addresses and keys repeat from run to run.</summary>
public static class DevelopmentChain
{
    /// <summary>The chain id of the embedded chain (anvil's and Hardhat's customary local id).</summary>
    public const ulong ChainId = 31337;

    /// <summary>The public test mnemonic whose accounts anvil funds; never to be used on a real chain.</summary>
    public const string Mnemonic = "test test test test test test test test test test test junk";

    /// <summary>The index of the node-held account that deploys contracts.</summary>
    public const int DeployerAccount = 0;

    /// <summary>The index of the node-held account that stands for the service's did:ethr identity on the embedded chain.</summary>
    public const int ServiceIdentityAccount = 1;
}
