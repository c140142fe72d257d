namespace IdentityEhr.Storage;

/// <summary>One thing <see cref="LogStore.VerifyAsync"/> found wrong, and where.</summary>
/// <param name="Where">The place: <c>event 1297</c>, <c>tile/0/005</c>, <c>checkpoint 4096</c>, <c>stream patient:…</c>, <c>log_state</c>.</param>
/// <param name="What">What does not hold there, in one line without entry content.</param>
public sealed record LogFinding(string Where, string What)
{
    /// <summary>Writes the finding as one line.</summary>
    /// <returns><c>where: what</c>.</returns>
    public override string ToString() => $"{Where}: {What}";
}
