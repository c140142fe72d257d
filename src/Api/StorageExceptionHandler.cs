using IdentityEhr.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace IdentityEhr.Api;

/// <summary>Turns a database that cannot be reached into 503 problem details with <c>Retry-After</c>, not a 500.</summary>
internal sealed class StorageExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DatabaseUnavailableException { IsTransient: true })
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Type = "https://identityehr.dev/problems/database-unavailable",

                // The message names the failure class only (no connection string, no data).
                Detail = "the service cannot reach its database right now; retry later",
            },
        });
    }
}
