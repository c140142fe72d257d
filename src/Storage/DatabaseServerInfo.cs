namespace IdentityEhr.Storage;

/// <summary>What the service reports about the PostgreSQL database it uses; never the credentials.</summary>
/// <param name="ServerVersion">The server's version, for example <c>15.18</c>.</param>
/// <param name="Host">The host the connection went to.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Database">The database name.</param>
public sealed record DatabaseServerInfo(string ServerVersion, string Host, int Port, string Database);
