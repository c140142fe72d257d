namespace IdentityEhr.Api.Health;

/// <summary>What <c>GET /health</c> answers: whether the service can reach its database and chain, which they are, and how far anchoring trails.</summary>
/// <param name="Status"><c>healthy</c> when the database and the chain are up; otherwise <c>unhealthy</c> (anchoring reports its own status).</param>
/// <param name="Database">The PostgreSQL database.</param>
/// <param name="Chain">The Ethereum chain.</param>
/// <param name="Integrator">How far signed checkpoints and the history projection trail the log.</param>
/// <param name="Anchoring">The anchoring of the audit log on the chain.</param>
internal sealed record HealthReport(string Status, DatabaseHealth Database, ChainHealth Chain, IntegratorHealth Integrator, AnchoringHealth Anchoring);

/// <summary>How far the log's integration trails its events: signed checkpoints (which receipts need) and the history projection.</summary>
/// <param name="Status"><c>current</c> (a checkpoint was cut within three intervals, or covers every event; the history trails by at most a second's events), <c>lagging</c>, or <c>unknown</c> (the database did not answer).</param>
/// <param name="TreeSize">Events in the tree.</param>
/// <param name="CheckpointTreeSize">The latest signed checkpoint's tree size.</param>
/// <param name="LastCheckpointSecondsAgo">Seconds since this instance last signed a checkpoint (null before its first).</param>
/// <param name="HistoryBehind">Events the access history projection has not taken in yet.</param>
internal sealed record IntegratorHealth(string Status, ulong TreeSize, ulong CheckpointTreeSize, double? LastCheckpointSecondsAgo, ulong HistoryBehind);

/// <summary>The database part of <see cref="HealthReport"/>; never the credentials.</summary>
internal sealed record DatabaseHealth(string Status, bool Embedded, string? Server, string? Host, int? Port, string? Database, string? Error);

/// <summary>The chain part of <see cref="HealthReport"/>; the RPC URL by its origin only (URLs often carry API keys).</summary>
internal sealed record ChainHealth(
    string Status, bool Embedded, ulong ChainId, string Rpc, ulong? LatestBlock, ContractsHealth? Contracts, string? Error);

/// <summary>The contracts the service uses on its chain.</summary>
internal sealed record ContractsHealth(string DidRegistry, string AuditAnchor, string ServiceIdentity);

/// <summary>How far anchoring trails the log.</summary>
/// <param name="Status"><c>off</c>, <c>current</c> (every event is under a confirmed anchor or waits less than a period and a half), <c>lagging</c>, <c>standby</c> (another instance of the service anchors this log), or <c>failing</c> (the last round failed).</param>
/// <param name="ServiceDid">The DID that anchors.</param>
/// <param name="Account">The account that sends anchor transactions.</param>
/// <param name="TreeSize">The latest checkpoint's tree size.</param>
/// <param name="AnchoredTreeSize">The tree size of the latest confirmed anchor.</param>
/// <param name="LagSeconds">How long the oldest event not under a confirmed anchor has waited (0 when none waits).</param>
/// <param name="InFlight">The anchor transaction being waited for.</param>
/// <param name="Error">Why the last round failed, or why anchoring is off.</param>
internal sealed record AnchoringHealth(
    string Status, string? ServiceDid, string? Account, ulong TreeSize, ulong AnchoredTreeSize, double LagSeconds, string? InFlight, string? Error);

