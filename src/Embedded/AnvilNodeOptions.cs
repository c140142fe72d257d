namespace IdentityEhr.Embedded;

/// <summary>How to run a local anvil node.</summary>
public sealed record AnvilNodeOptions
{
    /// <summary>Gets the anvil executable (see <see cref="LocalTools.FindAnvil"/>).</summary>
    public required string Executable { get; init; }

    /// <summary>Gets the folder where the node's process is recorded (and its state kept, when persistent).</summary>
    public required string Directory { get; init; }

    /// <summary>Gets the chain id the node reports.</summary>
    public ulong ChainId { get; init; } = DevelopmentChain.ChainId;

    /// <summary>
    /// Gets a value saying whether the chain's state is loaded from and saved to <c>state.json</c> in <see cref="Directory"/>,
    /// so that contracts and anchors survive a restart. When <see langword="false"/>, the folder is deleted on stop.
    /// </summary>
    public bool Persistent { get; init; }
}
