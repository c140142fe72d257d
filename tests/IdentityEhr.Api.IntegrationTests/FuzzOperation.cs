using System.Globalization;
using System.Text.Json;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>One operation of the service's OpenAPI document: method, path template, parameters and the statuses it declares.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Template">The path template, such as <c>/records/{recordId}</c>.</param>
/// <param name="PathParameters">The names in the template's braces.</param>
/// <param name="QueryParameters">The query parameters the document declares.</param>
/// <param name="DeclaredStatuses">The response statuses the document declares.</param>
internal sealed record FuzzOperation(string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters, IReadOnlySet<int> DeclaredStatuses)
{
    /// <summary>Reads every operation of an OpenAPI 3 document, in document order.</summary>
    public static IReadOnlyList<FuzzOperation> ReadAll(JsonElement document)
    {
        string[] methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
        var operations = new List<FuzzOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => methods.Contains(o.Name)))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var p) ? [.. p.EnumerateArray()] : new List<JsonElement>();
                string[] Named(string where) =>
                    [.. parameters.Where(x => x.GetProperty("in").GetString() == where).Select(x => x.GetProperty("name").GetString()!)];
                var statuses = operation.Value.GetProperty("responses").EnumerateObject()
                    .Select(r => int.TryParse(r.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0).Where(s => s > 0).ToHashSet();
                operations.Add(new FuzzOperation(operation.Name.ToUpperInvariant(), path.Name, Named("path"), Named("query"), statuses));
            }
        }

        return operations;
    }

    /// <summary>Gets a value saying whether the operation may take a request body by HTTP's conventions.</summary>
    public bool TakesBody => Method is "POST" or "PUT" or "PATCH";

    /// <inheritdoc/>
    public override string ToString() => $"{Method} {Template}";
}
