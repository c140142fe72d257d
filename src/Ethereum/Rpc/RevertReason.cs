namespace IdentityEhr.Ethereum.Rpc;

/// <summary>Turns revert data into a readable reason for error messages.</summary>
/// <remarks>The full decoder (<c>Error(string)</c>, <c>Panic(uint256)</c>) lives with the ABI; until it is wired in, this gives the selector.</remarks>
internal static class RevertReason
{
    public static string? Describe(byte[]? data) => data switch
    {
        null => null,
        { Length: 0 } => "reverted without a reason",
        _ => $"revert data {Convert.ToHexStringLower(data.AsSpan(0, Math.Min(data.Length, 4)))}…",
    };
}
