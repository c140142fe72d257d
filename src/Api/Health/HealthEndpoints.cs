using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api.Health;

/// <summary>Maps <c>GET /health</c>.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> (HealthReporter reporter, CancellationToken cancellationToken) =>
            {
                var report = await reporter.ReportAsync(cancellationToken);
                return report.Status == "healthy"
                    ? TypedResults.Ok(report)
                    : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("GetHealth")
            .WithSummary("Whether the service reaches its PostgreSQL database and Ethereum chain, and which they are.")
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Operations");
        return routes;
    }
}
