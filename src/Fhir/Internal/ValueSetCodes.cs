using System.Collections.Frozen;

namespace IdentityEhr.Fhir.Internal;

/// <summary>The codes of a required value set, by system; an unexpandable one is not checked.</summary>
internal sealed record ValueSetCodes(bool Expandable, FrozenDictionary<string, FrozenSet<string>> Systems, FrozenSet<string> AllCodes);
