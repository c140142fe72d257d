using System.Numerics;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>Controls of a local development node (anvil's <c>anvil_*</c> and <c>evm_*</c> methods): mining, reorgs, impersonation.</summary>
/// <remarks>For tests and the embedded chain only; a public node refuses these methods (<see cref="RpcErrorKind.Rejected"/>).</remarks>
public sealed class AnvilControl
{
    private readonly EthereumRpcClient _client;

    /// <summary>Creates controls over the node a client talks to.</summary>
    /// <param name="client">The client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public AnvilControl(EthereumRpcClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>Mines blocks at once (<c>anvil_mine</c>).</summary>
    /// <param name="blocks">How many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the blocks exist.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public Task MineAsync(ulong blocks, CancellationToken cancellationToken = default) =>
        _client.CallAsync("anvil_mine", [Hex.EncodeQuantity(blocks)], cancellationToken);

    /// <summary>Removes the newest blocks, as a reorg would (<c>anvil_rollback</c>).</summary>
    /// <param name="depth">How many blocks to remove.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the blocks are gone.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public Task RollbackAsync(ulong depth, CancellationToken cancellationToken = default) =>
        _client.CallAsync("anvil_rollback", [System.Text.Json.Nodes.JsonValue.Create(depth)], cancellationToken); // a number here, not a quantity

    /// <summary>Lets <c>eth_sendTransaction</c> send from an account whose key the node does not hold (<c>anvil_impersonateAccount</c>).</summary>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when impersonation is on.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public Task ImpersonateAsync(Address account, CancellationToken cancellationToken = default) =>
        _client.CallAsync("anvil_impersonateAccount", [account.ToString()], cancellationToken);

    /// <summary>Sets an account's balance (<c>anvil_setBalance</c>).</summary>
    /// <param name="account">The account.</param>
    /// <param name="wei">The balance in wei.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the balance is set.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public Task SetBalanceAsync(Address account, BigInteger wei, CancellationToken cancellationToken = default) =>
        _client.CallAsync("anvil_setBalance", [account.ToString(), Hex.EncodeBigQuantity(wei)], cancellationToken);

    /// <summary>Turns mining on every transaction on or off (<c>evm_setAutomine</c>), to leave transactions pending.</summary>
    /// <param name="enabled">Whether each transaction is mined at once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the mode is set.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public Task SetAutomineAsync(bool enabled, CancellationToken cancellationToken = default) =>
        _client.CallAsync("evm_setAutomine", [enabled], cancellationToken);

    /// <summary>Sets the base fee of the next block (<c>anvil_setNextBlockBaseFeePerGas</c>): transactions offering less stay pending.</summary>
    /// <param name="wei">The base fee per gas, in wei.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when set.</returns>
    /// <exception cref="EthereumRpcException">The node refused it.</exception>
    public Task SetNextBlockBaseFeeAsync(BigInteger wei, CancellationToken cancellationToken = default) =>
        _client.CallAsync("anvil_setNextBlockBaseFeePerGas", [Hex.EncodeBigQuantity(wei)], cancellationToken);
}
