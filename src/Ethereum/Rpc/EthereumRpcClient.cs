using System.Numerics;
using System.Text.Json.Nodes;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>A small, strict Ethereum JSON-RPC 2.0 client over HTTP.</summary>
/// <remarks>
/// Ethereum JSON-RPC API (execution-apis); EIP-1474 error codes; EIP-1898 block parameters. Every failure is an
/// <see cref="EthereumRpcException"/> whose <see cref="EthereumRpcException.Kind"/> says what happened and whose
/// <see cref="EthereumException.IsTransient"/> says whether to retry. Results are checked field by field; a malformed answer is
/// <see cref="RpcErrorKind.InvalidResponse"/>, never a half-read value.
/// </remarks>
public sealed partial class EthereumRpcClient : IDisposable
{
    /// <summary>Responses larger than this are refused: a node has no reason to send more for the calls made here.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>The widest block range asked of <c>eth_getLogs</c> in one request; wider queries are split.</summary>
    public const ulong DefaultLogRange = 5_000;

    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(15);
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private long _nextId;

    /// <summary>Creates a client for the node at <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The node's HTTP(S) JSON-RPC URL.</param>
    /// <param name="httpClient">An HTTP client to use, or <see langword="null"/> to create and own one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http or https URL.</exception>
    public EthereumRpcClient(Uri endpoint, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!IsHttpUrl(endpoint))
        {
            throw new ArgumentException("The JSON-RPC endpoint must be an absolute http or https URL.", nameof(endpoint));
        }

        Endpoint = endpoint;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = s_defaultTimeout, MaxResponseContentBufferSize = MaxResponseBytes };
    }

    /// <summary>Gets the node's URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>Returns a URL's scheme, host and port only, safe to print: RPC URLs often carry an API key.</summary>
    /// <param name="endpoint">A JSON-RPC URL.</param>
    /// <returns>The origin, for example <c>https://rpc.example.org:443</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static string DescribeEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.IsAbsoluteUri ? $"{endpoint.Scheme}://{endpoint.Host}:{endpoint.Port}" : "(relative URL)";
    }

    /// <summary>Returns <see langword="true"/> when <paramref name="endpoint"/> is an absolute http or https URL.</summary>
    /// <param name="endpoint">The URL to check.</param>
    /// <returns><see langword="true"/> for an absolute http or https URL; otherwise <see langword="false"/>.</returns>
    public static bool IsHttpUrl(Uri? endpoint) =>
        endpoint is { IsAbsoluteUri: true } && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps);

    /// <summary>Returns the chain id (<c>eth_chainId</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chain id (EIP-155).</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<ulong> GetChainIdAsync(CancellationToken cancellationToken = default) =>
        Quantity(await CallAsync("eth_chainId", [], cancellationToken).ConfigureAwait(false), "eth_chainId");

    /// <summary>Returns the number of the latest block (<c>eth_blockNumber</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block number.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default) =>
        Quantity(await CallAsync("eth_blockNumber", [], cancellationToken).ConfigureAwait(false), "eth_blockNumber");

    /// <summary>Returns the accounts the node holds keys for (<c>eth_accounts</c>); development nodes only.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accounts, possibly empty.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<IReadOnlyList<Address>> GetAccountsAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("eth_accounts", [], cancellationToken).ConfigureAwait(false);
        return result is JsonArray array
            ? [.. array.Select(item => AddressOf(item, "eth_accounts"))]
            : throw Malformed("eth_accounts");
    }

    /// <summary>Returns an account's transaction count, the next nonce (<c>eth_getTransactionCount</c>).</summary>
    /// <param name="account">The account.</param>
    /// <param name="block">Where to count: <see cref="BlockTag.Pending"/> includes queued transactions.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<ulong> GetTransactionCountAsync(Address account, BlockTag block, CancellationToken cancellationToken = default) =>
        Quantity(await CallAsync("eth_getTransactionCount", [account.ToString(), block.Text], cancellationToken).ConfigureAwait(false), "eth_getTransactionCount");

    /// <summary>Returns an account's balance in wei (<c>eth_getBalance</c>).</summary>
    /// <param name="account">The account.</param>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<BigInteger> GetBalanceAsync(Address account, BlockTag block, CancellationToken cancellationToken = default) =>
        BigQuantity(await CallAsync("eth_getBalance", [account.ToString(), block.Text], cancellationToken).ConfigureAwait(false), "eth_getBalance");

    /// <summary>Returns the runtime bytecode at an address (<c>eth_getCode</c>).</summary>
    /// <param name="address">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The code; empty for an account without code.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public Task<byte[]> GetCodeAsync(Address address, CancellationToken cancellationToken = default) =>
        GetCodeAsync(address, BlockTag.Latest, cancellationToken);

    /// <summary>Returns the runtime bytecode at an address in a given block (<c>eth_getCode</c>).</summary>
    /// <param name="address">The account.</param>
    /// <param name="block">The block.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The code; empty for an account without code.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<byte[]> GetCodeAsync(Address address, BlockTag block, CancellationToken cancellationToken = default) =>
        Data(await CallAsync("eth_getCode", [address.ToString(), block.Text], cancellationToken).ConfigureAwait(false), "eth_getCode");

    /// <summary>Executes a message call without a transaction (<c>eth_call</c>).</summary>
    /// <param name="call">The call.</param>
    /// <param name="block">The state to call against.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The return data.</returns>
    /// <exception cref="EthereumRpcException">The call failed; <see cref="RpcErrorKind.Reverted"/> carries the revert data.</exception>
    public async Task<byte[]> CallAsync(CallRequest call, BlockTag block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Data(await CallAsync("eth_call", [CallObject(call), block.Text], cancellationToken).ConfigureAwait(false), "eth_call");
    }

    /// <summary>Executes a message call against the state of one block, named by hash (EIP-1898), which must be canonical.</summary>
    /// <param name="call">The call.</param>
    /// <param name="blockHash">The block hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The return data.</returns>
    /// <exception cref="EthereumRpcException">The call failed, or the block is not on the canonical chain.</exception>
    public async Task<byte[]> CallAtBlockHashAsync(CallRequest call, string blockHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(blockHash);
        var block = new JsonObject { ["blockHash"] = blockHash, ["requireCanonical"] = true };
        return Data(await CallAsync("eth_call", [CallObject(call), block], cancellationToken).ConfigureAwait(false), "eth_call");
    }

    /// <summary>Estimates the gas a call or transaction would use (<c>eth_estimateGas</c>).</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The gas estimate.</returns>
    /// <exception cref="EthereumRpcException">The call failed; a reverting transaction is <see cref="RpcErrorKind.Reverted"/>.</exception>
    public async Task<ulong> EstimateGasAsync(CallRequest call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Quantity(await CallAsync("eth_estimateGas", [CallObject(call)], cancellationToken).ConfigureAwait(false), "eth_estimateGas");
    }

    /// <summary>Suggests EIP-1559 fees from the last blocks (<c>eth_feeHistory</c>, median of the 50th-percentile tips).</summary>
    /// <param name="minimumPriorityFeePerGas">The smallest tip to offer, in wei.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The fees.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<FeeEstimate> EstimateFeesAsync(BigInteger minimumPriorityFeePerGas, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("eth_feeHistory", [Hex.EncodeQuantity(5), "latest", new JsonArray(50)], cancellationToken).ConfigureAwait(false);
        if (result is not JsonObject history || history["baseFeePerGas"] is not JsonArray baseFees || baseFees.Count == 0)
        {
            throw Malformed("eth_feeHistory");
        }

        // The last base fee is the next block's (the array has one more entry than the blocks asked for).
        var nextBase = BigQuantity(baseFees[^1], "eth_feeHistory");
        var tips = history["reward"] is JsonArray rewards
            ? rewards.OfType<JsonArray>().Where(r => r.Count > 0).Select(r => BigQuantity(r[0], "eth_feeHistory")).Order().ToList()
            : [];
        var tip = tips.Count > 0 ? tips[tips.Count / 2] : BigInteger.Zero;
        if (tip < minimumPriorityFeePerGas)
        {
            tip = minimumPriorityFeePerGas;
        }

        return new FeeEstimate((2 * nextBase) + tip, tip, nextBase);
    }

    /// <summary>Sends a signed raw transaction (<c>eth_sendRawTransaction</c>).</summary>
    /// <param name="rawTransaction">The signed transaction bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction hash.</returns>
    /// <exception cref="EthereumRpcException">The node refused it; see <see cref="EthereumRpcException.Kind"/> (nonce races are transient).</exception>
    public async Task<string> SendRawTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken = default) =>
        Hash(await CallAsync("eth_sendRawTransaction", [Hex.Encode(rawTransaction.Span)], cancellationToken).ConfigureAwait(false), "eth_sendRawTransaction");

    /// <summary>Asks the node to sign and send a transaction from an account it holds (<c>eth_sendTransaction</c>).</summary>
    /// <remarks>Only development nodes (anvil) hold keys; production sending signs locally (raw transactions).</remarks>
    /// <param name="from">The node-held account.</param>
    /// <param name="to">The recipient, or <see langword="null"/> to create a contract.</param>
    /// <param name="data">The call data or init code.</param>
    /// <param name="gasLimit">The gas limit, or <see langword="null"/> to let the node estimate it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction hash.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<string> SendNodeSignedTransactionAsync(
        Address from, Address? to, ReadOnlyMemory<byte> data, ulong? gasLimit = null, CancellationToken cancellationToken = default)
    {
        var tx = new JsonObject { ["from"] = from.ToString(), ["data"] = Hex.Encode(data.Span) };
        if (gasLimit is { } gas)
        {
            tx["gas"] = Hex.EncodeQuantity(gas);
        }

        if (to is { } recipient)
        {
            tx["to"] = recipient.ToString();
        }

        return Hash(await CallAsync("eth_sendTransaction", [tx], cancellationToken).ConfigureAwait(false), "eth_sendTransaction");
    }

    /// <summary>Returns a block header by tag or number (<c>eth_getBlockByNumber</c>).</summary>
    /// <param name="block">The block.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block, or <see langword="null"/> when the node has no such block (yet).</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<Block?> GetBlockAsync(BlockTag block, CancellationToken cancellationToken = default) =>
        BlockOf(await CallAsync("eth_getBlockByNumber", [block.Text, false], cancellationToken).ConfigureAwait(false), "eth_getBlockByNumber");

    /// <summary>Returns a block header by hash (<c>eth_getBlockByHash</c>).</summary>
    /// <param name="blockHash">The block hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block, or <see langword="null"/> when the node does not know it (for example after a reorg).</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<Block?> GetBlockByHashAsync(string blockHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blockHash);
        return BlockOf(await CallAsync("eth_getBlockByHash", [blockHash, false], cancellationToken).ConfigureAwait(false), "eth_getBlockByHash");
    }

    /// <summary>Returns the logs matching a filter (<c>eth_getLogs</c>), asking in ranges of at most <paramref name="maxRange"/> blocks.</summary>
    /// <remarks>When the node refuses a range as too large, the range is halved and asked again, down to one block.</remarks>
    /// <param name="filter">The filter.</param>
    /// <param name="maxRange">The widest range per request.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The logs in block and log order.</returns>
    /// <exception cref="ArgumentException">The range is reversed.</exception>
    /// <exception cref="EthereumRpcException">A call failed.</exception>
    public async Task<IReadOnlyList<LogEntry>> GetLogsAsync(LogFilter filter, ulong maxRange = DefaultLogRange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfZero(maxRange);
        if (filter.ToBlock < filter.FromBlock)
        {
            throw new ArgumentException("The filter's range is reversed.", nameof(filter));
        }

        var logs = new List<LogEntry>();
        var from = filter.FromBlock;
        var range = maxRange;
        while (from <= filter.ToBlock)
        {
            var to = Math.Min(filter.ToBlock, from + range - 1);
            try
            {
                var result = await CallAsync("eth_getLogs", [FilterObject(filter, from, to)], cancellationToken).ConfigureAwait(false);
                logs.AddRange(result is JsonArray array ? array.Select(l => LogOf(l, "eth_getLogs")) : throw Malformed("eth_getLogs"));
            }
            catch (EthereumRpcException e) when (e.Kind is RpcErrorKind.RateLimited or RpcErrorKind.Rejected && range > 1 && IsRangeTooLarge(e))
            {
                range = Math.Max(1, range / 2);
                continue;
            }

            if (to == ulong.MaxValue)
            {
                break;
            }

            from = to + 1;
        }

        return logs;
    }

    /// <summary>Returns a transaction's receipt (<c>eth_getTransactionReceipt</c>).</summary>
    /// <param name="transactionHash">The transaction hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipt, or <see langword="null"/> while the transaction is not in a block.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<TransactionReceipt?> GetTransactionReceiptAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionHash);
        const string Method = "eth_getTransactionReceipt";
        var result = await CallAsync(Method, [transactionHash], cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        if (result is not JsonObject r)
        {
            throw Malformed(Method);
        }

        Address? contract = null;
        if (StringOf(r["contractAddress"]) is { } contractText)
        {
            contract = Address.TryParse(contractText, out var a) ? a : throw Malformed(Method);
        }

        var logs = r["logs"] is JsonArray logArray ? [.. logArray.Select(l => LogOf(l, Method))] : new List<LogEntry>();
        return new TransactionReceipt(
            Hash(r["transactionHash"], Method),
            Quantity(r["blockNumber"], Method),
            Hash(r["blockHash"], Method),
            Quantity(r["status"], Method) == 1,
            contract,
            Quantity(r["gasUsed"], Method),
            AddressOf(r["from"], Method),
            logs);
    }

    /// <summary>Polls for a transaction's receipt until it is in a block.</summary>
    /// <param name="transactionHash">The transaction hash.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="EthereumRpcException">A call failed, or no receipt came within <paramref name="timeout"/> (<see cref="RpcErrorKind.NotMined"/>).</exception>
    public async Task<TransactionReceipt> WaitForReceiptAsync(string transactionHash, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var receipt = await GetTransactionReceiptAsync(transactionHash, cancellationToken).ConfigureAwait(false);
            if (receipt is not null)
            {
                return receipt;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new EthereumRpcException(
                    $"transaction {transactionHash} was not mined within {timeout.TotalSeconds:0.#} s at {DescribeEndpoint(Endpoint)}", RpcErrorKind.NotMined);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Releases the HTTP client when this instance created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
