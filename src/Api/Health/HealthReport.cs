namespace IdentityEhr.Api.Health;

/// <summary>What <c>GET /health</c> answers: whether the service can reach its database and chain, and which they are.</summary>
/// <param name="Status"><c>healthy</c> when every part is up; otherwise <c>unhealthy</c>.</param>
/// <param name="Database">The PostgreSQL database.</param>
/// <param name="Chain">The Ethereum chain.</param>
internal sealed record HealthReport(string Status, DatabaseHealth Database, ChainHealth Chain);

/// <summary>The database part of <see cref="HealthReport"/>; never the credentials.</summary>
internal sealed record DatabaseHealth(string Status, bool Embedded, string? Server, string? Host, int? Port, string? Database, string? Error);

/// <summary>The chain part of <see cref="HealthReport"/>; the RPC URL by its origin only (URLs often carry API keys).</summary>
internal sealed record ChainHealth(
    string Status, bool Embedded, ulong ChainId, string Rpc, ulong? LatestBlock, ContractsHealth? Contracts, string? Error);

/// <summary>The contracts the service uses on its chain.</summary>
internal sealed record ContractsHealth(string DidRegistry, string AuditAnchor, string ServiceIdentity);
