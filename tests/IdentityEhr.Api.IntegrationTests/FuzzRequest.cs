namespace IdentityEhr.Api.IntegrationTests;

/// <summary>One malformed request, as generated from the seed and its index.</summary>
/// <param name="Index">Its index in the run (with the seed, it regenerates the request).</param>
/// <param name="Operation">The operation it was made from.</param>
/// <param name="Target">The raw path and query, sent without canonicalization.</param>
/// <param name="Headers">Request headers other than the body's and <c>Authorization</c>.</param>
/// <param name="ContentType">The body's <c>Content-Type</c> text, or <see langword="null"/> for none.</param>
/// <param name="Body">The body, or <see langword="null"/> for none (or for a huge body).</param>
/// <param name="HugeLength">The length of a huge body of filler bytes, or 0.</param>
/// <param name="Chunked">Whether the body is sent chunked, without <c>Content-Length</c>.</param>
/// <param name="Framing">A defect of the body's chunked framing (one of <see cref="RawHttp.Framings"/>), sent over a plain socket; or <see langword="null"/>.</param>
/// <param name="Auth">What <c>Authorization</c> carries.</param>
/// <param name="Authorization">The literal header for <see cref="FuzzAuth.Literal"/>.</param>
/// <param name="KestrelRefuses">
/// Whether Kestrel itself refuses the request before the application runs, so no problem details can be written: a request line
/// or headers past its limits (414, 431), or an encoded NUL in the path (400).
/// </param>
/// <param name="Description">What was malformed, for failure reports.</param>
internal sealed record FuzzRequest(
    int Index, FuzzOperation Operation, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, string? ContentType, byte[]? Body, int HugeLength,
    bool Chunked, string? Framing, FuzzAuth Auth, string? Authorization, bool KestrelRefuses, string Description)
{
    /// <summary>Gets the method.</summary>
    public string Method => Operation.Method;

    /// <inheritdoc/>
    public override string ToString() =>
        $"#{Index} {Method} {(Target.Length <= 160 ? Target : Target[..160] + $"…({Target.Length} chars)")} [{Description}; auth {Auth}]";
}
