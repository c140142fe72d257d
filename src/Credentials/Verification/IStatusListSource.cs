namespace IdentityEhr.Credentials.Verification;

/// <summary>Fetches a status list credential by its URL (the service's own store, or HTTP for lists hosted elsewhere).</summary>
public interface IStatusListSource
{
    /// <summary>Fetches the credential's JSON bytes.</summary>
    /// <param name="url">The <c>statusListCredential</c> URL.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The bytes, or <see langword="null"/> when there is no such list.</returns>
    ValueTask<byte[]?> FetchAsync(string url, CancellationToken cancellationToken);
}
