namespace IdentityEhr.Credentials.Jcs;

/// <summary>Why a JSON text cannot be canonicalized under RFC 8785 (JCS).</summary>
public enum JcsError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The text is not well-formed JSON (RFC 8259) in UTF-8.</summary>
    MalformedJson,

    /// <summary>Objects or arrays nest deeper than <see cref="JsonCanonicalizer.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>An object has the same property name twice (I-JSON, RFC 7493 §2.3).</summary>
    DuplicateProperty,

    /// <summary>A string holds an unpaired UTF-16 surrogate (I-JSON, RFC 7493 §2.1).</summary>
    LoneSurrogate,

    /// <summary>A number is outside the IEEE 754 double range (RFC 8785 §3.2.2.3 has no form for it).</summary>
    NumberOutOfRange,
}
