namespace IdentityEhr.Testing;

/// <summary>A clock that says what the test sets (Microsoft.Extensions.TimeProvider.Testing is not served here).</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    /// <summary>Sets the time.</summary>
    /// <param name="now">The new time.</param>
    public void SetUtcNow(DateTimeOffset now) => _now = now;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now;
}
