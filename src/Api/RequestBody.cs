using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api;

/// <summary>Reads a request body whole, up to a bound, so oversized bodies are refused with 413 problem details before any work.</summary>
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
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (ReadOnlyMemory<byte>.Empty, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    private static ProblemHttpResult TooLarge(int maxBytes) => TypedResults.Problem(
        detail: $"the body is larger than {maxBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
        type: "https://identityehr.dev/problems/body-too-large");
}
