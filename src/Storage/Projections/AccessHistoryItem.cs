namespace IdentityEhr.Storage.Projections;

/// <summary>One event in a patient's history: who did what with their data, when, and why.</summary>
/// <param name="Position">The event's position (its leaf index; a receipt proves it).</param>
/// <param name="EventId">The event's id.</param>
/// <param name="Type">The event type, such as <c>AccessGranted</c>.</param>
/// <param name="Actor">The DID that acted.</param>
/// <param name="Record">The record's content id, when the event concerns one.</param>
/// <param name="Purpose">The purpose of use stated, if any.</param>
/// <param name="Reason">The reason code of a denial, if any.</param>
/// <param name="Time">When it happened.</param>
public sealed record AccessHistoryItem(long Position, Guid EventId, string Type, string Actor, string? Record, string? Purpose, string? Reason, DateTimeOffset Time);
