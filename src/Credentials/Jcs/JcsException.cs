namespace IdentityEhr.Credentials.Jcs;

/// <summary>Thrown when a JSON value cannot be canonicalized; <see cref="Error"/> says why.</summary>
/// <remarks>The message names the rule broken, never the value.</remarks>
public sealed class JcsException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="JcsException"/> class.</summary>
    /// <param name="error">Why canonicalization failed.</param>
    public JcsException(JcsError error)
        : base(JsonCanonicalizer.Describe(error))
    {
        Error = error;
    }

    /// <summary>Gets why canonicalization failed.</summary>
    public JcsError Error { get; }
}
