namespace IdentityEhr.Fhir.Internal;

/// <summary>One element as it appears in JSON: a choice element is one row per allowed type (<c>valueQuantity</c>).</summary>
/// <param name="Path">The element path with the choice expanded, such as <c>Observation.valueQuantity</c>.</param>
/// <param name="Name">The JSON property name.</param>
/// <param name="Min">The minimum cardinality.</param>
/// <param name="Max">The maximum cardinality (<see cref="int.MaxValue"/> for <c>*</c>).</param>
/// <param name="Type">The FHIR type code, or <c>#Path</c> for a content reference.</param>
/// <param name="Choice">The choice element's path (<c>Observation.value[x]</c>), or <see langword="null"/>.</param>
/// <param name="ValueSet">The required binding's value set URL, or <see langword="null"/>.</param>
internal sealed record FhirElement(string Path, string Name, int Min, int Max, string Type, string? Choice, string? ValueSet);
