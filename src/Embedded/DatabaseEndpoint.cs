namespace IdentityEhr.Embedded;

/// <summary>The PostgreSQL database the service uses.</summary>
public sealed class DatabaseEndpoint
{
    internal DatabaseEndpoint(string connectionString, bool isEmbedded)
    {
        ConnectionString = connectionString;
        IsEmbedded = isEmbedded;
    }

    /// <summary>Gets the connection string. It holds the password: never log or print it.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets a value saying whether the database is the private cluster this process started.</summary>
    public bool IsEmbedded { get; }

    /// <summary>Describes the endpoint without its connection string.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() => IsEmbedded ? "embedded PostgreSQL" : "PostgreSQL given by EHR_POSTGRES";
}
