using Microsoft.OpenApi;

namespace IdentityEhr.Api;

/// <summary>
/// Documents the query parameters an endpoint reads from the request itself (minimal APIs describe only bound parameters), so the
/// OpenAPI document, Swagger UI and the fuzz test that walks the document know them.
/// </summary>
internal static class QueryParameters
{
    public static TBuilder WithQuery<TBuilder>(this TBuilder builder, string name, string description, bool required = false, bool integer = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Required = required,
                Description = description,
                Schema = new OpenApiSchema { Type = integer ? JsonSchemaType.Integer : JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });
}
