namespace IdentityEhr.Fhir.Views;

/// <summary>The Bundle types <see cref="AuditEventBundle"/> writes.</summary>
public enum AuditBundleType
{
    /// <summary><c>searchset</c>: the result of a search (a patient's access history); entries carry <c>search.mode = match</c> and the Bundle a total.</summary>
    Searchset,

    /// <summary><c>collection</c>: a plain set of AuditEvents (an export).</summary>
    Collection,
}
