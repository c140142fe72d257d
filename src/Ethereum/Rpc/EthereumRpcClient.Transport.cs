using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Rpc;

/// <summary>The JSON-RPC transport, error classification and result decoding.</summary>
public sealed partial class EthereumRpcClient
{
    /// <summary>Sends one JSON-RPC request and returns its <c>result</c>, or throws a classified <see cref="EthereumRpcException"/>.</summary>
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
                $"the Ethereum node at {DescribeEndpoint(Endpoint)} is unreachable: {reason}", RpcErrorKind.Unreachable, innerException: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EthereumRpcException(
                $"the Ethereum node at {DescribeEndpoint(Endpoint)} did not answer {method} in time", RpcErrorKind.Timeout, innerException: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var kind = status == 429 ? RpcErrorKind.RateLimited : status >= 500 ? RpcErrorKind.NodeFailure : RpcErrorKind.Rejected;
                throw new EthereumRpcException($"the Ethereum node at {DescribeEndpoint(Endpoint)} answered {method} with HTTP {status}", kind);
            }

            JsonNode? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is JsonException or HttpRequestException or InvalidOperationException)
            {
                throw new EthereumRpcException(
                    $"the Ethereum node at {DescribeEndpoint(Endpoint)} answered {method} with a body that is not JSON-RPC", RpcErrorKind.InvalidResponse, innerException: e);
            }

            if (body is not JsonObject envelope || StringOf(envelope["jsonrpc"]) != "2.0")
            {
                throw Malformed(method);
            }

            if (envelope["error"] is JsonObject error)
            {
                throw Classify(method, error);
            }

            if (!envelope.ContainsKey("result"))
            {
                throw Malformed(method);
            }

            return envelope["result"];
        }
    }

    private EthereumRpcException Classify(string method, JsonObject error)
    {
        int? code = error["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.Number && c.TryGetValue<int>(out var n) ? n : null;
        var message = StringOf(error["message"]) ?? "no message";
        var lower = message.ToLowerInvariant();

        // Revert data comes as error.data (geth, anvil) or error.data.data (some providers).
        var dataText = StringOf(error["data"]) ?? StringOf(error["data"]?["data"]);
        byte[]? revertData = dataText is not null && Hex.TryDecodeData(dataText, out var decoded) ? decoded : null;

        var kind = true switch
        {
            _ when code == 3 || lower.Contains("revert", StringComparison.Ordinal) => RpcErrorKind.Reverted,
            _ when lower.Contains("nonce too low", StringComparison.Ordinal) => RpcErrorKind.NonceTooLow,
            _ when lower.Contains("replacement transaction underpriced", StringComparison.Ordinal) || lower.Contains("replacement fee too low", StringComparison.Ordinal) => RpcErrorKind.ReplacementUnderpriced,
            _ when lower.Contains("already known", StringComparison.Ordinal) || lower.Contains("known transaction", StringComparison.Ordinal) => RpcErrorKind.AlreadyKnown,
            _ when lower.Contains("insufficient funds", StringComparison.Ordinal) => RpcErrorKind.InsufficientFunds,
            _ when code == -32005 || lower.Contains("rate limit", StringComparison.Ordinal) || lower.Contains("too many", StringComparison.Ordinal) || lower.Contains("limit exceeded", StringComparison.Ordinal) => RpcErrorKind.RateLimited,
            _ when code is -32603 => RpcErrorKind.NodeFailure,
            _ => RpcErrorKind.Rejected,
        };
        var reason = kind == RpcErrorKind.Reverted && revertData is not null ? Abi.RevertReason.Describe(revertData) : Truncate(message);
        return new EthereumRpcException(
            $"{method} {(kind == RpcErrorKind.Reverted ? "reverted" : "failed")} at {DescribeEndpoint(Endpoint)}: {reason} (code {code?.ToString(CultureInfo.InvariantCulture) ?? "none"})",
            kind, code, kind == RpcErrorKind.Reverted ? revertData : null);
    }

    private static bool IsRangeTooLarge(EthereumRpcException e) =>
        e.Message.Contains("range", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("more than", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("too many", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);

    private static JsonObject CallObject(CallRequest call)
    {
        var json = new JsonObject { ["data"] = Hex.Encode(call.Data) };
        if (call.From is { } from)
        {
            json["from"] = from.ToString();
        }

        if (call.To is { } to)
        {
            json["to"] = to.ToString();
        }

        if (call.Value is { } value)
        {
            json["value"] = Hex.EncodeBigQuantity(value);
        }

        return json;
    }

    private static JsonObject FilterObject(LogFilter filter, ulong from, ulong to)
    {
        var topics = new JsonArray();
        foreach (var position in filter.Topics)
        {
            topics.Add(position is null ? null : new JsonArray([.. position.Select(t => (JsonNode)JsonValue.Create(Hex.Encode(t)))]));
        }

        var json = new JsonObject { ["fromBlock"] = Hex.EncodeQuantity(from), ["toBlock"] = Hex.EncodeQuantity(to), ["topics"] = topics };
        if (filter.Address is { } address)
        {
            json["address"] = address.ToString();
        }

        return json;
    }

    private Block? BlockOf(JsonNode? node, string method)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject block)
        {
            throw Malformed(method);
        }

        var timestamp = Quantity(block["timestamp"], method);
        return new Block(
            Quantity(block["number"], method),
            Hash(block["hash"], method),
            Hash(block["parentHash"], method),
            timestamp <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds((long)timestamp) : throw Malformed(method),
            block["baseFeePerGas"] is { } baseFee ? BigQuantity(baseFee, method) : null);
    }

    private LogEntry LogOf(JsonNode? node, string method)
    {
        if (node is not JsonObject log || log["topics"] is not JsonArray topics || topics.Count > 4)
        {
            throw Malformed(method);
        }

        return new LogEntry(
            AddressOf(log["address"], method),
            [.. topics.Select(t => Hex.TryDecodeData(StringOf(t), out var bytes) && bytes.Length == 32 ? bytes : throw Malformed(method))],
            Data(log["data"], method),
            Quantity(log["blockNumber"], method),
            Hash(log["blockHash"], method),
            Hash(log["transactionHash"], method),
            Quantity(log["logIndex"], method),
            log["removed"] is JsonValue removed && removed.GetValueKind() == JsonValueKind.True);
    }

    private static string Truncate(string message) => message.Length <= 200 ? message : message[..200] + "…";

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private ulong Quantity(JsonNode? node, string method) =>
        Hex.TryDecodeQuantity(StringOf(node), out var value) ? value : throw Malformed(method);

    private BigInteger BigQuantity(JsonNode? node, string method) =>
        Hex.TryDecodeBigQuantity(StringOf(node), out var value) ? value : throw Malformed(method);

    private byte[] Data(JsonNode? node, string method) =>
        Hex.TryDecodeData(StringOf(node), out var bytes) ? bytes : throw Malformed(method);

    private Address AddressOf(JsonNode? node, string method) =>
        Address.TryParse(StringOf(node), out var address) ? address : throw Malformed(method);

    private string Hash(JsonNode? node, string method) =>
        StringOf(node) is { Length: 66 } text && Hex.TryDecodeData(text, out _) ? text.ToLowerInvariant() : throw Malformed(method);

    private EthereumRpcException Malformed(string method) =>
        new($"the Ethereum node at {DescribeEndpoint(Endpoint)} answered {method} with a malformed result", RpcErrorKind.InvalidResponse);
}
