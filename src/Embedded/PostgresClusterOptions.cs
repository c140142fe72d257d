namespace IdentityEhr.Embedded;

/// <summary>How to run a private PostgreSQL cluster.</summary>
public sealed record PostgresClusterOptions
{
    /// <summary>Gets the folder that holds the cluster (its data, password and log). Created when missing.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Gets a value saying whether the cluster outlives this process: data is durable (fsync on) and kept on stop.
    /// When <see langword="false"/>, durability is traded for speed and the folder is deleted on stop (tests).
    /// </summary>
    public bool Persistent { get; init; }

    /// <summary>
    /// Gets the TCP port to listen on, or <see langword="null"/> for a free one. A fixed port lets clients reconnect after the
    /// server restarts (the restart tests; a persistent service cluster that others connect to).
    /// </summary>
    public int? Port { get; init; }

    /// <summary>Gets the folder with PostgreSQL's server binaries, or <see langword="null"/> to find Debian's.</summary>
    public string? BinDirectory { get; init; }
}
