using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityEhr.Identity.Dids;

/// <summary>Reading and writing DID documents as JSON (DID Core §6.2, the JSON representation).</summary>
public sealed partial class DidDocument
{
    /// <summary>The largest document accepted, in bytes of JSON.</summary>
    public const int MaxJsonBytes = 256 * 1024;

    /// <summary>The most verification methods, relationship entries or services accepted per list.</summary>
    public const int MaxEntries = 256;

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions s_indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    private static readonly HashSet<string> s_modelled = new(StringComparer.Ordinal)
    {
        "@context", "id", "controller", "alsoKnownAs", "verificationMethod", "service",
        "authentication", "assertionMethod", "keyAgreement", "capabilityInvocation", "capabilityDelegation",
    };

    /// <summary>Parses a DID document from JSON text.</summary>
    /// <param name="json">The JSON.</param>
    /// <param name="document">The document when the JSON is one.</param>
    /// <param name="error">Where and why it is not (for example <c>verificationMethod[1].id: not a DID URL</c>).</param>
    /// <returns><see langword="true"/> when the JSON is a valid DID document; otherwise <see langword="false"/>.</returns>
    public static bool TryParse(string json, [NotNullWhen(true)] out DidDocument? document, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        document = null;
        if (json.Length > MaxJsonBytes)
        {
            error = $"the document is larger than {MaxJsonBytes} bytes";
            return false;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: s_documentOptions);
        }
        catch (JsonException e)
        {
            error = $"not JSON: {e.Message.Split('.')[0]}";
            return false;
        }

        return TryParse(root, out document, out error);
    }

    /// <summary>Writes the document as JSON text.</summary>
    /// <param name="indented">Whether to indent.</param>
    /// <returns>The JSON.</returns>
    public string Serialize(bool indented = false) => ToJson().ToJsonString(indented ? s_indented : s_compact);

    /// <summary>Writes the document as a new JSON object, members in DID Core order, then the others as they came.</summary>
    /// <returns>The JSON object.</returns>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (_contextNode is not null)
        {
            json["@context"] = _contextNode.DeepClone();
        }

        json["id"] = Id.ToString();
        if (_controllerNode is not null)
        {
            json["controller"] = _controllerNode.DeepClone();
        }

        if (AlsoKnownAs.Count > 0)
        {
            json["alsoKnownAs"] = new JsonArray([.. AlsoKnownAs.Select(a => (JsonNode)JsonValue.Create(a))]);
        }

        if (VerificationMethods.Count > 0)
        {
            json["verificationMethod"] = new JsonArray([.. VerificationMethods.Select(m => (JsonNode)m.ToJson())]);
        }

        foreach (var relationship in VerificationRelationshipNames.All)
        {
            if (_relationships.TryGetValue(relationship, out var entries))
            {
                json[relationship.PropertyName()] = new JsonArray([.. entries.Select(e => e.Embedded is { } m ? (JsonNode)m.ToJson() : JsonValue.Create(e.ReferenceText))]);
            }
        }

        if (Services.Count > 0)
        {
            json["service"] = new JsonArray([.. Services.Select(s => (JsonNode)s.ToJson())]);
        }

        foreach (var (name, value) in AdditionalProperties)
        {
            json[name] = value?.DeepClone();
        }

        return json;
    }

    private static bool TryParse(JsonNode? root, [NotNullWhen(true)] out DidDocument? document, [NotNullWhen(false)] out string? error)
    {
        document = null;
        if (root is not JsonObject json)
        {
            error = "the document is not a JSON object";
            return false;
        }

        if (!Did.TryParse(StringOf(json["id"]), out var id, out _))
        {
            error = "id: must be a DID";
            return false;
        }

        var context = json["@context"];
        if (context is not null && !IsStringOrArrayOf(context, n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String || n is JsonObject))
        {
            error = "@context: must be a string, an object or an array of them";
            return false;
        }

        var controller = json["controller"];
        if (controller is not null && !IsStringOrArrayOf(controller, n => Did.TryParse(StringOf(n), out _, out _)))
        {
            error = "controller: must be a DID or an array of DIDs";
            return false;
        }

        List<string> alsoKnownAs = [];
        if (json["alsoKnownAs"] is { } aka)
        {
            if (aka is not JsonArray array || array.Any(n => StringOf(n) is null))
            {
                error = "alsoKnownAs: must be an array of strings";
                return false;
            }

            alsoKnownAs.AddRange(array.Select(n => StringOf(n)!));
        }

        List<VerificationMethod> methods = [];
        if (json["verificationMethod"] is { } vmNode)
        {
            if (vmNode is not JsonArray vmArray || vmArray.Count > MaxEntries)
            {
                error = $"verificationMethod: must be an array of at most {MaxEntries} objects";
                return false;
            }

            for (var i = 0; i < vmArray.Count; i++)
            {
                if (!TryParseMethod(vmArray[i], id, $"verificationMethod[{i}]", out var method, out error))
                {
                    return false;
                }

                if (methods.Any(m => m.Id.Equals(method.Id)))
                {
                    error = $"verificationMethod[{i}].id: duplicates an earlier method's id";
                    return false;
                }

                methods.Add(method);
            }
        }

        var relationships = new Dictionary<VerificationRelationship, IReadOnlyList<VerificationMethodReference>>();
        foreach (var relationship in VerificationRelationshipNames.All)
        {
            var name = relationship.PropertyName();
            if (json[name] is not { } node)
            {
                continue;
            }

            if (node is not JsonArray entries || entries.Count > MaxEntries)
            {
                error = $"{name}: must be an array of at most {MaxEntries} entries";
                return false;
            }

            List<VerificationMethodReference> list = [];
            for (var i = 0; i < entries.Count; i++)
            {
                var path = $"{name}[{i}]";
                if (entries[i] is JsonObject)
                {
                    if (!TryParseMethod(entries[i], id, path, out var embedded, out error))
                    {
                        return false;
                    }

                    list.Add(VerificationMethodReference.Embedding(embedded));
                }
                else if (StringOf(entries[i]) is { } text && DidUrl.TryResolve(text, id, out var url))
                {
                    list.Add(VerificationMethodReference.FromText(url, text));
                }
                else
                {
                    error = $"{path}: must be a DID URL or an embedded verification method";
                    return false;
                }
            }

            relationships[relationship] = list;
        }

        List<Service> services = [];
        if (json["service"] is { } serviceNode)
        {
            if (serviceNode is not JsonArray serviceArray || serviceArray.Count > MaxEntries)
            {
                error = $"service: must be an array of at most {MaxEntries} objects";
                return false;
            }

            for (var i = 0; i < serviceArray.Count; i++)
            {
                if (!TryParseService(serviceArray[i], $"service[{i}]", out var service, out error))
                {
                    return false;
                }

                services.Add(service);
            }
        }

        var additional = json.Where(p => !s_modelled.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        document = new DidDocument(context?.DeepClone(), id, controller?.DeepClone(), alsoKnownAs, methods, relationships, services, additional);
        error = null;
        return true;
    }

    private static bool TryParseMethod(JsonNode? node, Did baseDid, string path, [NotNullWhen(true)] out VerificationMethod? method, [NotNullWhen(false)] out string? error)
    {
        method = null;
        if (node is not JsonObject json)
        {
            error = $"{path}: must be an object";
            return false;
        }

        var idText = StringOf(json["id"]);
        if (!DidUrl.TryResolve(idText, baseDid, out var id) || id.Fragment is null && id.Query is null && id.Path.Length == 0)
        {
            error = $"{path}.id: must be a DID URL";
            return false;
        }

        if (StringOf(json["type"]) is not { Length: > 0 } type)
        {
            error = $"{path}.type: must be a non-empty string";
            return false;
        }

        if (!Did.TryParse(StringOf(json["controller"]), out _, out _))
        {
            error = $"{path}.controller: must be a DID";
            return false;
        }

        var multibase = json["publicKeyMultibase"];
        var jwk = json["publicKeyJwk"];
        var base58 = json["publicKeyBase58"];
        if ((multibase is not null && StringOf(multibase) is null) || (jwk is not null && jwk is not JsonObject) || (base58 is not null && StringOf(base58) is null))
        {
            error = $"{path}: publicKeyMultibase and publicKeyBase58 must be strings, publicKeyJwk an object";
            return false;
        }

        if (jwk is JsonObject jwkObject && jwkObject.ContainsKey("d"))
        {
            error = $"{path}.publicKeyJwk: must not carry the private member 'd'";
            return false;
        }

        var additional = json.Where(p => p.Key is not ("id" or "type" or "controller" or "publicKeyMultibase" or "publicKeyJwk" or "publicKeyBase58"))
            .ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        method = new VerificationMethod(idText!, id, type, StringOf(json["controller"])!, StringOf(multibase), (JsonObject?)jwk?.DeepClone(), StringOf(base58), additional);
        error = null;
        return true;
    }

    private static bool TryParseService(JsonNode? node, string path, [NotNullWhen(true)] out Service? service, [NotNullWhen(false)] out string? error)
    {
        service = null;
        if (node is not JsonObject json || StringOf(json["id"]) is not { Length: > 0 } id)
        {
            error = $"{path}: must be an object with a string id";
            return false;
        }

        if (json["type"] is not { } type || !IsStringOrArrayOf(type, n => StringOf(n) is { Length: > 0 }))
        {
            error = $"{path}.type: must be a string or an array of strings";
            return false;
        }

        // serviceEndpoint: a URI string, a map, or a set of either (DID Core §5.4).
        if (json["serviceEndpoint"] is not { } endpoint || !(StringOf(endpoint) is not null || endpoint is JsonObject || (endpoint is JsonArray a && a.All(e => StringOf(e) is not null || e is JsonObject))))
        {
            error = $"{path}.serviceEndpoint: must be a string, a map, or an array of them";
            return false;
        }

        var additional = json.Where(p => p.Key is not ("id" or "type" or "serviceEndpoint")).ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        service = new Service(id, type.DeepClone(), endpoint.DeepClone(), additional);
        error = null;
        return true;
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static bool IsStringOrArrayOf(JsonNode node, Func<JsonNode?, bool> isItem) =>
        node is JsonArray array ? array.Count > 0 && array.All(isItem) : isItem(node);
}
