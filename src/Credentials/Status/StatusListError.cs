namespace IdentityEhr.Credentials.Status;

/// <summary>Why a status list or status entry is refused (Bitstring Status List v1.0 §3.2 and §4.3 error types).</summary>
public enum StatusListError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>MALFORMED_VALUE_ERROR: not <c>u</c> + base64url of GZIP, or a member is missing or of the wrong type.</summary>
    MalformedValue,

    /// <summary>STATUS_LIST_LENGTH_ERROR: the bitstring is shorter than 131,072 entries.</summary>
    TooShort,

    /// <summary>The encoded or expanded list is larger than this service accepts (a decompression bomb guard).</summary>
    TooLarge,

    /// <summary>RANGE_ERROR: the index is negative, not a base-10 integer, or beyond the list.</summary>
    Range,

    /// <summary>STATUS_VERIFICATION_ERROR: the entry's purpose or size does not match the list's.</summary>
    PurposeMismatch,
}
