namespace IdentityEhr.Api.Records;

/// <summary>
/// Bounds the bytes of record bodies held at once (read, encrypted and queued for the log), so a burst of large uploads cannot
/// exhaust memory: a request that would exceed the budget is answered 503 before its body is read.
/// </summary>
internal sealed class BodyBudget
{
    /// <summary>The bytes of bodies in flight at most: 64 MiB (each body costs about twice its size: plaintext and ciphertext).</summary>
    public const long Capacity = 64L * 1024 * 1024;

    private long _used;

    /// <summary>Takes room for a body of the given size, or returns <see langword="null"/> when there is none.</summary>
    public IDisposable? TryTake(long bytes)
    {
        var cost = Math.Max(bytes, 1) * 2;
        if (Interlocked.Add(ref _used, cost) > Capacity)
        {
            Interlocked.Add(ref _used, -cost);
            return null;
        }

        return new Lease(this, cost);
    }

    private sealed class Lease(BodyBudget budget, long cost) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Add(ref budget._used, -cost);
            }
        }
    }
}
