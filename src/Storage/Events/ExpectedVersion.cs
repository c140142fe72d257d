namespace IdentityEhr.Storage.Events;

/// <summary>What the appender believes a stream's version to be: the optimistic-concurrency check of an append.</summary>
/// <param name="Value">The stream's current version (events are numbered from 1), 0 for "no stream yet", or −1 for "any".</param>
public readonly record struct ExpectedVersion(long Value)
{
    /// <summary>Gets the expectation that accepts any current version.</summary>
    public static ExpectedVersion Any => new(-1);

    /// <summary>Gets the expectation that the stream has no events yet.</summary>
    public static ExpectedVersion NoStream => new(0);

    /// <summary>Creates the expectation that the stream's last event has the given version.</summary>
    /// <param name="version">The version, at least 1.</param>
    /// <returns>The expectation.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is below 1.</exception>
    public static ExpectedVersion Exactly(long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return new(version);
    }

    /// <summary>Checks a stream's current version against the expectation.</summary>
    /// <param name="current">The current version; 0 when the stream does not exist.</param>
    /// <returns><see langword="true"/> when the append may proceed.</returns>
    public bool Accepts(long current) => Value < 0 || Value == current;

    /// <summary>Describes the expectation.</summary>
    /// <returns>"any", "no stream" or the version number.</returns>
    public override string ToString() => Value switch
    {
        < 0 => "any",
        0 => "no stream",
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
