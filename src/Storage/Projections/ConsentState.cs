namespace IdentityEhr.Storage.Projections;

/// <summary>What the log says about one consent credential.</summary>
/// <param name="Consent">The consent credential's id.</param>
/// <param name="Patient">The patient's DID.</param>
/// <param name="IsRevoked">Whether a <c>ConsentRevoked</c> event was logged for it.</param>
/// <param name="RegisteredPosition">The position of its <c>ConsentRegistered</c> event, if any.</param>
/// <param name="RevokedPosition">The position of its first <c>ConsentRevoked</c> event, if any.</param>
public sealed record ConsentState(string Consent, string? Patient, bool IsRevoked, long? RegisteredPosition, long? RevokedPosition);
