namespace IdentityEhr.Identity.Dids;

/// <summary>An entry of a verification relationship: a reference to a method by id, or an embedded method (DID Core §5.3).</summary>
public sealed class VerificationMethodReference
{
    private VerificationMethodReference(DidUrl id, string? referenceText, VerificationMethod? embedded)
    {
        Id = id;
        ReferenceText = referenceText;
        Embedded = embedded;
    }

    /// <summary>Gets the absolute id of the referenced or embedded method.</summary>
    public DidUrl Id { get; }

    /// <summary>Gets the reference as written (possibly relative), or <see langword="null"/> for an embedded method.</summary>
    public string? ReferenceText { get; }

    /// <summary>Gets the embedded method, or <see langword="null"/> for a reference.</summary>
    public VerificationMethod? Embedded { get; }

    /// <summary>Creates a reference to a method by id.</summary>
    /// <param name="id">The method's id.</param>
    /// <returns>The reference.</returns>
    public static VerificationMethodReference To(DidUrl id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new(id, id.ToString(), null);
    }

    /// <summary>Creates an entry that embeds a method.</summary>
    /// <param name="method">The method.</param>
    /// <returns>The entry.</returns>
    public static VerificationMethodReference Embedding(VerificationMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new(method.Id, null, method);
    }

    internal static VerificationMethodReference FromText(DidUrl id, string text) => new(id, text, null);
}
