namespace IdentityEhr.Credentials.Consent;

/// <summary>
/// What a consent covers: records of the listed FHIR resource types, the listed record ids, or both (a record must then
/// match both lists). An empty list does not restrict; both lists empty is not a scope.
/// </summary>
/// <param name="RecordTypes">FHIR R4 resource type names, such as <c>Observation</c>.</param>
/// <param name="RecordIds">Record ids, such as a record's content id.</param>
public sealed record ConsentScope(IReadOnlyList<string> RecordTypes, IReadOnlyList<string> RecordIds)
{
    /// <summary>Whether the scope covers a record.</summary>
    /// <param name="recordType">The record's FHIR resource type.</param>
    /// <param name="recordId">The record's id.</param>
    /// <returns><see langword="true"/> when every non-empty list names the record.</returns>
    public bool Covers(string recordType, string recordId) =>
        (RecordTypes.Count > 0 || RecordIds.Count > 0)
        && (RecordTypes.Count == 0 || RecordTypes.Contains(recordType, StringComparer.Ordinal))
        && (RecordIds.Count == 0 || RecordIds.Contains(recordId, StringComparer.Ordinal));
}
