using System.Numerics;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Internal;
using IdentityEhr.Ethereum.Rpc;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>Signs and sends EIP-1559 transactions from one account, handing out nonces in order to concurrent callers.</summary>
/// <remarks>
/// Nonces are kept locally (a node's <c>eth_getTransactionCount</c> can lag behind transactions just sent) and allocated under a lock
/// together with the send, so concurrent callers never share or skip one. A nonce the node reports as used (a race with another
/// sender of the same account) resynchronises from the pending count and retries; a transaction the node already has counts as sent.
/// The private key lives in a pinned buffer cleared on <see cref="Dispose"/>.
/// </remarks>
public sealed class TransactionSender : IDisposable
{
    private readonly EthereumRpcClient _client;
    private readonly EthereumSigningKey _key;
    private readonly TransactionSenderOptions _options;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private ulong? _nextNonce;
    private bool _disposed;

    /// <summary>Creates a sender for the account of <paramref name="privateKey"/>.</summary>
    /// <param name="client">The chain's JSON-RPC client.</param>
    /// <param name="chainId">The chain id the transactions are bound to (EIP-155).</param>
    /// <param name="privateKey">The account's 32-byte secp256k1 private key (copied).</param>
    /// <param name="options">Pricing, retries and waiting, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The private key is invalid.</exception>
    public TransactionSender(EthereumRpcClient client, ulong chainId, ReadOnlySpan<byte> privateKey, TransactionSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        ChainId = chainId;
        _options = options ?? new TransactionSenderOptions();
        _key = new EthereumSigningKey(privateKey);
        Account = _key.Address;
    }

    /// <summary>Gets the sending account.</summary>
    public Address Account { get; }

    /// <summary>Gets the chain id.</summary>
    public ulong ChainId { get; }

    /// <summary>Sends a transaction and waits for its receipt.</summary>
    /// <param name="to">The recipient, or <see langword="null"/> to create a contract.</param>
    /// <param name="data">The call data or init code.</param>
    /// <param name="value">Wei to send.</param>
    /// <param name="cancellationToken">Cancels the send and the wait.</param>
    /// <returns>The receipt; check <see cref="TransactionReceipt.Succeeded"/>.</returns>
    /// <exception cref="EthereumRpcException">The node refused it (a revert found by estimation is <see cref="RpcErrorKind.Reverted"/>), or no receipt came in time.</exception>
    public async Task<TransactionReceipt> SendAsync(Address? to, ReadOnlyMemory<byte> data, BigInteger value = default, CancellationToken cancellationToken = default)
    {
        var hash = await SubmitAsync(to, data, value, cancellationToken).ConfigureAwait(false);
        return await _client.WaitForReceiptAsync(hash, _options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs and submits a transaction without waiting for it to be mined.</summary>
    /// <param name="to">The recipient, or <see langword="null"/> to create a contract.</param>
    /// <param name="data">The call data or init code.</param>
    /// <param name="value">Wei to send.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>The transaction hash.</returns>
    /// <exception cref="EthereumRpcException">The node refused it.</exception>
    public async Task<string> SubmitAsync(Address? to, ReadOnlyMemory<byte> data, BigInteger value = default, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Estimation fails fast on a revert, before any nonce is spent.
        var estimate = await _client.EstimateGasAsync(new CallRequest(Account, to, data.ToArray(), value), cancellationToken).ConfigureAwait(false);
        var gasLimit = checked(estimate * (ulong)_options.GasEstimatePercent / 100);
        var fees = await _client.EstimateFeesAsync(_options.MinimumPriorityFeePerGas, cancellationToken).ConfigureAwait(false);

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                _nextNonce ??= await _client.GetTransactionCountAsync(Account, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
                var transaction = new Eip1559Transaction(ChainId, _nextNonce.Value, fees.MaxPriorityFeePerGas, fees.MaxFeePerGas, gasLimit, to, value, data.Span);
                var signed = transaction.Sign(_key);
                try
                {
                    var hash = await _client.SendRawTransactionAsync(signed.ToBytes(), cancellationToken).ConfigureAwait(false);
                    _nextNonce++;
                    return hash;
                }
                catch (EthereumRpcException e) when (e.Kind == RpcErrorKind.AlreadyKnown)
                {
                    _nextNonce++;
                    return Hex.Encode(signed.GetHash());
                }
                catch (EthereumRpcException e) when (e.IsTransient && attempt < _options.MaxAttempts)
                {
                    // A nonce race or a node hiccup: forget the local nonce and ask the node again.
                    _nextNonce = null;
                }
                catch
                {
                    _nextNonce = null;
                    throw;
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Clears the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _key.Dispose();
            _lock.Dispose();
            _disposed = true;
        }
    }
}
