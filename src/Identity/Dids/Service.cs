using System.Text.Json.Nodes;

namespace IdentityEhr.Identity.Dids;

/// <summary>A service of a DID document (DID Core §5.4): an id, one or more types, and an endpoint.</summary>
public sealed class Service
{
    internal Service(string id, JsonNode type, JsonNode serviceEndpoint, IReadOnlyDictionary<string, JsonNode?> additionalProperties)
    {
        Id = id;
        TypeNode = type;
        ServiceEndpointNode = serviceEndpoint;
        AdditionalProperties = additionalProperties;
        Types = type is JsonArray array ? [.. array.Select(t => t!.GetValue<string>())] : [type.GetValue<string>()];
    }

    /// <summary>Gets the id (a URI, often <c>did:…#fragment</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the types.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Gets a copy of the endpoint: a URI string, a map, or a set of either.</summary>
    public JsonNode ServiceEndpoint => ServiceEndpointNode.DeepClone();

    /// <summary>Gets the members this type does not model, by name.</summary>
    public IReadOnlyDictionary<string, JsonNode?> AdditionalProperties { get; }

    internal JsonNode TypeNode { get; }

    internal JsonNode ServiceEndpointNode { get; }

    /// <summary>Creates a service with one type and a URI endpoint.</summary>
    /// <param name="id">The id.</param>
    /// <param name="type">The type.</param>
    /// <param name="endpoint">The endpoint URI.</param>
    /// <returns>The service.</returns>
    public static Service Create(string id, string type, Uri endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(endpoint);
        return new Service(id, JsonValue.Create(type), JsonValue.Create(endpoint.ToString()), new Dictionary<string, JsonNode?>());
    }

    internal JsonObject ToJson()
    {
        var json = new JsonObject { ["id"] = Id, ["type"] = TypeNode.DeepClone(), ["serviceEndpoint"] = ServiceEndpointNode.DeepClone() };
        foreach (var (name, value) in AdditionalProperties)
        {
            json[name] = value?.DeepClone();
        }

        return json;
    }
}
