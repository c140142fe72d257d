using System.Text.Json.Nodes;

namespace IdentityEhr.Identity.Dids;

/// <summary>A DID document (DID Core 1.0 §4–5): the subject's id, controllers, verification methods, relationships and services.</summary>
/// <remarks>Immutable. Members this type does not model are kept and written back, so a document read and written again is the same JSON.</remarks>
public sealed partial class DidDocument
{
    private readonly IReadOnlyDictionary<VerificationRelationship, IReadOnlyList<VerificationMethodReference>> _relationships;
    private readonly JsonNode? _contextNode;
    private readonly JsonNode? _controllerNode;

    private DidDocument(
        JsonNode? contextNode,
        Did id,
        JsonNode? controllerNode,
        IReadOnlyList<string> alsoKnownAs,
        IReadOnlyList<VerificationMethod> verificationMethods,
        IReadOnlyDictionary<VerificationRelationship, IReadOnlyList<VerificationMethodReference>> relationships,
        IReadOnlyList<Service> services,
        IReadOnlyDictionary<string, JsonNode?> additionalProperties)
    {
        _contextNode = contextNode;
        Id = id;
        _controllerNode = controllerNode;
        AlsoKnownAs = alsoKnownAs;
        VerificationMethods = verificationMethods;
        _relationships = relationships;
        Services = services;
        AdditionalProperties = additionalProperties;
        Context = contextNode switch
        {
            null => [],
            JsonArray array => [.. array.OfType<JsonValue>().Select(v => v.GetValue<string>())],
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        Controller = controllerNode switch
        {
            null => [],
            JsonArray array => [.. array.Select(v => v!.GetValue<string>())],
            _ => [controllerNode.GetValue<string>()],
        };
    }

    /// <summary>Gets the <c>@context</c> entries that are URLs (embedded context objects are kept but not listed).</summary>
    public IReadOnlyList<string> Context { get; }

    /// <summary>Gets the DID subject.</summary>
    public Did Id { get; }

    /// <summary>Gets the controllers' DIDs (empty when the document names none).</summary>
    public IReadOnlyList<string> Controller { get; }

    /// <summary>Gets the <c>alsoKnownAs</c> URIs (which prove nothing by themselves).</summary>
    public IReadOnlyList<string> AlsoKnownAs { get; }

    /// <summary>Gets the methods listed under <c>verificationMethod</c>.</summary>
    public IReadOnlyList<VerificationMethod> VerificationMethods { get; }

    /// <summary>Gets the services.</summary>
    public IReadOnlyList<Service> Services { get; }

    /// <summary>Gets the members this type does not model, by name.</summary>
    public IReadOnlyDictionary<string, JsonNode?> AdditionalProperties { get; }

    /// <summary>Creates a document.</summary>
    /// <param name="id">The DID subject.</param>
    /// <param name="context">The <c>@context</c> URLs.</param>
    /// <param name="verificationMethods">The methods under <c>verificationMethod</c>.</param>
    /// <param name="relationships">The relationships and their entries.</param>
    /// <param name="services">The services, or <see langword="null"/> for none.</param>
    /// <returns>The document.</returns>
    public static DidDocument Create(
        Did id,
        IEnumerable<string> context,
        IEnumerable<VerificationMethod> verificationMethods,
        IReadOnlyDictionary<VerificationRelationship, IReadOnlyList<VerificationMethodReference>> relationships,
        IEnumerable<Service>? services = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(verificationMethods);
        ArgumentNullException.ThrowIfNull(relationships);
        var contextNode = new JsonArray([.. context.Select(c => (JsonNode)JsonValue.Create(c))]);
        return new DidDocument(
            contextNode, id, null, [], [.. verificationMethods], relationships, [.. services ?? []], new Dictionary<string, JsonNode?>());
    }

    /// <summary>Returns the entries of a verification relationship.</summary>
    /// <param name="relationship">The relationship.</param>
    /// <returns>The entries, in document order; empty when the document lists none.</returns>
    public IReadOnlyList<VerificationMethodReference> Relationship(VerificationRelationship relationship) =>
        _relationships.TryGetValue(relationship, out var entries) ? entries : [];

    /// <summary>Finds a verification method by id, among <c>verificationMethod</c> and the methods embedded in relationships.</summary>
    /// <param name="id">The method's absolute id.</param>
    /// <returns>The method, or <see langword="null"/> when the document has none with that id.</returns>
    public VerificationMethod? FindVerificationMethod(DidUrl id)
    {
        ArgumentNullException.ThrowIfNull(id);
        foreach (var method in VerificationMethods)
        {
            if (method.Id.Equals(id))
            {
                return method;
            }
        }

        foreach (var entries in _relationships.Values)
        {
            foreach (var entry in entries)
            {
                if (entry.Embedded is { } embedded && embedded.Id.Equals(id))
                {
                    return embedded;
                }
            }
        }

        return null;
    }

    /// <summary>Dereferences <c>did:…#fragment</c> (or a relative <c>#fragment</c>) to a verification method of this document.</summary>
    /// <param name="reference">The DID URL or relative reference.</param>
    /// <returns>The method, or <see langword="null"/> when the reference is invalid, names another DID, or matches no method.</returns>
    public VerificationMethod? Dereference(string reference) =>
        DidUrl.TryResolve(reference, Id, out var url) && url.Did.Equals(Id) ? FindVerificationMethod(url) : null;

    /// <summary>
    /// Returns the method with <paramref name="id"/> only if the relationship authorizes it: listed there by reference or embedded.
    /// Presence under <c>verificationMethod</c> alone authorizes nothing (DID Core §5.3).
    /// </summary>
    /// <param name="relationship">The relationship required, for example <see cref="VerificationRelationship.AssertionMethod"/>.</param>
    /// <param name="id">The method's absolute id.</param>
    /// <returns>The method, or <see langword="null"/> when the relationship does not authorize it.</returns>
    public VerificationMethod? FindAuthorized(VerificationRelationship relationship, DidUrl id)
    {
        ArgumentNullException.ThrowIfNull(id);
        foreach (var entry in Relationship(relationship))
        {
            if (entry.Id.Equals(id))
            {
                return entry.Embedded ?? VerificationMethods.FirstOrDefault(m => m.Id.Equals(id));
            }
        }

        return null;
    }

    /// <summary>Returns the methods a relationship authorizes, references resolved.</summary>
    /// <param name="relationship">The relationship.</param>
    /// <returns>The methods; a reference to a method the document does not contain is skipped.</returns>
    public IEnumerable<VerificationMethod> MethodsFor(VerificationRelationship relationship)
    {
        foreach (var entry in Relationship(relationship))
        {
            if ((entry.Embedded ?? VerificationMethods.FirstOrDefault(m => m.Id.Equals(entry.Id))) is { } method)
            {
                yield return method;
            }
        }
    }
}
