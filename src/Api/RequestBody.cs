using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api;

/// <summary>
/// Reads a request body whole, up to a bound, so oversized bodies are refused with 413 problem details before any work, and
/// bodies that cannot be read as HTTP framed them with 400.
/// </summary>
internal static class RequestBody
{
    public static async Task<(ReadOnlyMemory<byte> Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (ReadOnlyMemory<byte>.Empty, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            int read;
            try
            {
                read = await request.Body.ReadAsync(chunk, cancellationToken);
            }
            catch (IOException e)
            {
                // Kestrel could not read the body (broken chunked framing, a body past its own limit, a client too slow): the
                // client's error, not a 500. Mostly a BadHttpRequestException with its status; a chunk size that overflows
                // comes as a plain IOException.
                return (ReadOnlyMemory<byte>.Empty, Unreadable(e is BadHttpRequestException { StatusCode: >= 400 and < 500 } bad ? bad.StatusCode : StatusCodes.Status400BadRequest));
            }

            if (read == 0)
            {
                return (buffer.ToArray(), null);
            }

            if (buffer.Length + read > maxBytes)
            {
                return (ReadOnlyMemory<byte>.Empty, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }
    }

    // A fixed detail: Kestrel's message may quote what the client sent.
    private static ProblemHttpResult Unreadable(int status) => TypedResults.Problem(
        detail: "the body could not be read: broken chunked framing, a body past the server's limit, or a client too slow", statusCode: status,
        title: "Unreadable body", type: "https://identityehr.dev/problems/unreadable-body");

    private static ProblemHttpResult TooLarge(int maxBytes) => TypedResults.Problem(
        detail: $"the body is larger than {maxBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
        type: "https://identityehr.dev/problems/body-too-large");
}
