namespace IdentityEhr.Identity.Dids;

/// <summary>Why a string is not a DID or DID URL (DID Core §3.1, §3.2).</summary>
public enum DidSyntaxError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The string is empty.</summary>
    Empty,

    /// <summary>The string is longer than <see cref="Did.MaxLength"/> (or <see cref="DidUrl.MaxLength"/>).</summary>
    TooLong,

    /// <summary>The string does not start with <c>did:</c>.</summary>
    NotADid,

    /// <summary>The method name is empty or has characters other than lowercase letters and digits.</summary>
    InvalidMethodName,

    /// <summary>The method-specific id is empty or ends with a colon.</summary>
    InvalidMethodSpecificId,

    /// <summary>A character is not allowed where it stands.</summary>
    InvalidCharacter,

    /// <summary>A percent sign is not followed by two hexadecimal digits.</summary>
    InvalidPercentEncoding,
}
