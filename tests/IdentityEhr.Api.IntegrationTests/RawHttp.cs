using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// HTTP/1.1 over a plain socket, for requests <see cref="HttpClient"/> will not send (broken chunked framing): writes the bytes
/// given, reads one answer.
/// </summary>
internal static class RawHttp
{
    /// <summary>A body's framing defect, sent with <c>Transfer-Encoding: chunked</c>.</summary>
    public static readonly string[] Framings = ["bad chunk size", "chunk size overflow", "chunk longer than its size", "no chunk terminator"];

    /// <summary>Frames a body as chunked with a defect: a first good chunk of part of it, then the defect.</summary>
    public static byte[] Frame(string framing, byte[] body)
    {
        var half = body.Length / 2;
        var good = Encoding.ASCII.GetBytes(half.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        byte[] rest = framing switch
        {
            "bad chunk size" => [.. "ZZ\r\n"u8, .. body.AsSpan(half), .. "\r\n0\r\n\r\n"u8],
            "chunk size overflow" => [.. "FFFFFFFFFFFFFFFFFFFF\r\n"u8, .. body.AsSpan(half), .. "\r\n0\r\n\r\n"u8],
            "chunk longer than its size" => [.. "1\r\n"u8, .. body.AsSpan(half), .. "\r\n0\r\n\r\n"u8],
            _ => [.. Encoding.ASCII.GetBytes((body.Length - half).ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. body.AsSpan(half), .. "XX0\r\n\r\n"u8],
        };
        return [.. good, .. body.AsSpan(0, half), .. "\r\n"u8, .. rest];
    }

    /// <summary>Sends the request's bytes and reads the answer (status, media type, body), or status 0 when none came.</summary>
    public static async Task<(int Status, string? MediaType, string Body)> SendAsync(Uri baseAddress, byte[] request, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = tcp.GetStream();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                received.Write(chunk, 0, read);
                if (TryParse(received.ToArray(), atEnd: false) is { } answer)
                {
                    return answer;
                }
            }
        }
        catch (IOException)
        {
            // The server closed on us: what arrived before counts.
        }

        return TryParse(received.ToArray(), atEnd: true) ?? (0, null, "");
    }

    private static (int Status, string? MediaType, string Body)? TryParse(byte[] bytes, bool atEnd)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var mediaType = headers.TryGetValue("content-type", out var type) ? type.Split(';')[0].Trim() : null;
        var body = text[(end + 4)..];
        if (headers.TryGetValue("content-length", out var length))
        {
            var n = int.Parse(length, CultureInfo.InvariantCulture);
            return body.Length >= n ? (status, mediaType, Encoding.UTF8.GetString(bytes, end + 4, n)) : null;
        }

        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var content = new StringBuilder();
            var at = 0;
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (lineEnd < 0)
                {
                    return null;
                }

                var size = int.Parse(body[at..lineEnd].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    return (status, mediaType, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(content.ToString())));
                }

                if (body.Length < lineEnd + 2 + size + 2)
                {
                    return null;
                }

                content.Append(body, lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
        }

        return atEnd ? (status, mediaType, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body))) : null;
    }
}
