using System.Globalization;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>A block to read state at: a number, or one of the tags <c>latest</c>, <c>safe</c>, <c>finalized</c>, <c>pending</c>, <c>earliest</c>.</summary>
public readonly record struct BlockTag
{
    private BlockTag(string text) => Text = text;

    /// <summary>Gets the newest block.</summary>
    public static BlockTag Latest { get; } = new("latest");

    /// <summary>Gets the newest block the consensus layer considers safe from reorgs in normal operation.</summary>
    public static BlockTag Safe { get; } = new("safe");

    /// <summary>Gets the newest finalized block.</summary>
    public static BlockTag Finalized { get; } = new("finalized");

    /// <summary>Gets the pending block (used for nonces that count queued transactions).</summary>
    public static BlockTag Pending { get; } = new("pending");

    /// <summary>Gets the genesis block.</summary>
    public static BlockTag Earliest { get; } = new("earliest");

    /// <summary>Gets the JSON-RPC text of the tag.</summary>
    public string Text { get; }

    /// <summary>Creates a tag for a block number.</summary>
    /// <param name="number">The block number.</param>
    /// <returns>The tag.</returns>
    public static BlockTag Number(ulong number) => new("0x" + number.ToString("x", CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public override string ToString() => Text ?? "latest";
}
