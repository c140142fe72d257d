namespace IdentityEhr.Storage;

/// <summary>Settings of the event store.</summary>
public sealed record EventStoreOptions
{
    /// <summary>Gets the PostgreSQL connection string; its search path picks the schema. It holds a password: never log it.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Gets the most events one group commit takes in.</summary>
    public int MaxBatchEvents { get; init; } = 4096;

    /// <summary>Gets how many appends may wait for the writer before new ones wait to be queued (back pressure).</summary>
    public int MaxQueuedAppends { get; init; } = 65_536;
}
