using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>A small Ethereum JSON-RPC 2.0 client over HTTP.</summary>
/// <remarks>
/// Ethereum JSON-RPC API (execution-apis). Every failure is an <see cref="EthereumRpcException"/> whose
/// <see cref="EthereumException.IsTransient"/> separates "try again" (network, timeouts, 429, 5xx) from "this will not work".
/// </remarks>
public sealed class EthereumRpcClient : IDisposable
{
    /// <summary>Responses larger than this are refused: a node has no reason to send more for the calls made here.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

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
    public async Task<ulong> GetChainIdAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("eth_chainId", [], cancellationToken).ConfigureAwait(false);
        return ReadQuantity(result, "eth_chainId");
    }

    /// <summary>Returns the number of the latest block (<c>eth_blockNumber</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block number.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("eth_blockNumber", [], cancellationToken).ConfigureAwait(false);
        return ReadQuantity(result, "eth_blockNumber");
    }

    /// <summary>Returns the accounts the node holds keys for (<c>eth_accounts</c>); development nodes only.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accounts, possibly empty.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<IReadOnlyList<Address>> GetAccountsAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("eth_accounts", [], cancellationToken).ConfigureAwait(false);
        if (result is not JsonArray array)
        {
            throw Malformed("eth_accounts");
        }

        var accounts = new List<Address>(array.Count);
        foreach (var item in array)
        {
            accounts.Add(Address.TryParse(item?.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : null, out var a)
                ? a
                : throw Malformed("eth_accounts"));
        }

        return accounts;
    }

    /// <summary>Returns the runtime bytecode at an address in the latest block (<c>eth_getCode</c>).</summary>
    /// <param name="address">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The code; empty for an account without code.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<byte[]> GetCodeAsync(Address address, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("eth_getCode", [address.ToString(), "latest"], cancellationToken).ConfigureAwait(false);
        return Hex.TryDecodeData(ReadString(result), out var code) ? code : throw Malformed("eth_getCode");
    }

    /// <summary>Asks the node to sign and send a transaction from an account it holds (<c>eth_sendTransaction</c>).</summary>
    /// <remarks>Only development nodes (anvil) hold keys; production sending signs locally (raw transactions).</remarks>
    /// <param name="from">The node-held account.</param>
    /// <param name="to">The recipient, or <see langword="null"/> to create a contract.</param>
    /// <param name="data">The call data or init code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction hash.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<string> SendNodeSignedTransactionAsync(
        Address from, Address? to, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var tx = new JsonObject { ["from"] = from.ToString(), ["data"] = Hex.Encode(data.Span) };
        if (to is { } recipient)
        {
            tx["to"] = recipient.ToString();
        }

        var result = await CallAsync("eth_sendTransaction", [tx], cancellationToken).ConfigureAwait(false);
        return ReadHash(result, "eth_sendTransaction");
    }

    /// <summary>Returns a transaction's receipt (<c>eth_getTransactionReceipt</c>).</summary>
    /// <param name="transactionHash">The transaction hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipt, or <see langword="null"/> while the transaction is not in a block.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<TransactionReceipt?> GetTransactionReceiptAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionHash);
        var result = await CallAsync("eth_getTransactionReceipt", [transactionHash], cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        if (result is not JsonObject r)
        {
            throw Malformed("eth_getTransactionReceipt");
        }

        Address? contract = null;
        if (r["contractAddress"] is JsonValue c && c.GetValueKind() == JsonValueKind.String)
        {
            contract = Address.TryParse(c.GetValue<string>(), out var a) ? a : throw Malformed("eth_getTransactionReceipt");
        }

        return new TransactionReceipt(
            ReadHash(r["transactionHash"], "eth_getTransactionReceipt"),
            ReadQuantity(r["blockNumber"], "eth_getTransactionReceipt"),
            ReadHash(r["blockHash"], "eth_getTransactionReceipt"),
            ReadQuantity(r["status"], "eth_getTransactionReceipt") == 1,
            contract,
            ReadQuantity(r["gasUsed"], "eth_getTransactionReceipt"));
    }

    /// <summary>Polls for a transaction's receipt until it is in a block.</summary>
    /// <param name="transactionHash">The transaction hash.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="EthereumRpcException">A call failed, or no receipt came within <paramref name="timeout"/> (transient).</exception>
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
                    $"transaction {transactionHash} was not mined within {timeout.TotalSeconds:0.#} s at {DescribeEndpoint(Endpoint)}",
                    code: null, isTransient: true);
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

    internal async Task<JsonNode?> CallAsync(string method, JsonNode?[] parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = method,
            ["params"] = new JsonArray(parameters),
        };

        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync(Endpoint, request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException s ? s.Message : e.Message;
            throw new EthereumRpcException(
                $"the Ethereum node at {DescribeEndpoint(Endpoint)} is unreachable: {reason}", code: null, isTransient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EthereumRpcException(
                $"the Ethereum node at {DescribeEndpoint(Endpoint)} did not answer {method} in time", code: null, isTransient: true, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new EthereumRpcException(
                    $"the Ethereum node at {DescribeEndpoint(Endpoint)} answered {method} with HTTP {status}",
                    code: null, isTransient: status == 429 || status >= 500);
            }

            JsonNode? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is JsonException or HttpRequestException or InvalidOperationException)
            {
                throw new EthereumRpcException(
                    $"the Ethereum node at {DescribeEndpoint(Endpoint)} answered {method} with a body that is not JSON-RPC",
                    code: null, isTransient: false, e);
            }

            if (body is not JsonObject envelope || envelope["jsonrpc"]?.GetValueKind() != JsonValueKind.String)
            {
                throw Malformed(method);
            }

            if (envelope["error"] is JsonObject error)
            {
                var code = error["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.Number ? c.GetValue<int>() : (int?)null;
                var message = error["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : "no message";

                // -32603 internal error and -32005 limit exceeded are the node's trouble, not the request's.
                var transient = code is -32603 or -32005;
                throw new EthereumRpcException(
                    $"{method} failed at {DescribeEndpoint(Endpoint)}: {Truncate(message)} (code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})",
                    code, transient);
            }

            if (!envelope.ContainsKey("result"))
            {
                throw Malformed(method);
            }

            return envelope["result"];
        }
    }

    private static string Truncate(string message) => message.Length <= 200 ? message : message[..200] + "…";

    private static string? ReadString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private ulong ReadQuantity(JsonNode? node, string method) =>
        Hex.TryDecodeQuantity(ReadString(node), out var value) ? value : throw Malformed(method);

    private string ReadHash(JsonNode? node, string method) =>
        ReadString(node) is { Length: 66 } text && Hex.TryDecodeData(text, out _) ? text.ToLowerInvariant() : throw Malformed(method);

    private EthereumRpcException Malformed(string method) =>
        new($"the Ethereum node at {DescribeEndpoint(Endpoint)} answered {method} with a malformed result", code: null, isTransient: false);
}
