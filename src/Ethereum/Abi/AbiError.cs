namespace IdentityEhr.Ethereum.Abi;

/// <summary>Why ABI-encoded data, or an event log, was refused.</summary>
/// <remarks>
/// The decoder accepts only the one encoding that the Solidity ABI specification defines for a value, so that decoding
/// and re-encoding always give back the same bytes.
/// </remarks>
public enum AbiError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The data ends inside a head or a static value.</summary>
    DataTooShort,

    /// <summary>Bytes follow the end of the encoding.</summary>
    TrailingData,

    /// <summary>Padding is not zero: the high bytes of an unsigned integer or an address, or the bytes after <c>bytes&lt;M&gt;</c>, <c>bytes</c> or <c>string</c> data.</summary>
    DirtyPadding,

    /// <summary>The high bytes of a signed integer are not the sign extension of its value.</summary>
    InvalidSignExtension,

    /// <summary>A <c>bool</c> word is neither 0 nor 1.</summary>
    InvalidBool,

    /// <summary>An offset points outside the data.</summary>
    OffsetOutOfRange,

    /// <summary>An offset is not a multiple of 32.</summary>
    MisalignedOffset,

    /// <summary>An offset is not where the encoding puts that tail: tails overlap, leave a gap, or come out of order.</summary>
    NonCanonicalOffset,

    /// <summary>The length of <c>bytes</c> or <c>string</c> data runs past the end of the data.</summary>
    LengthOutOfRange,

    /// <summary>An array's declared length times its element size is more than the data holds (a size bomb).</summary>
    ArrayLengthOutOfRange,

    /// <summary>A <c>string</c> is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A log's first topic is not the event's topic0 (the log is another event).</summary>
    EventTopicMismatch,

    /// <summary>A log has a different number of topics than the event has indexed parameters (plus topic0).</summary>
    TopicCountMismatch,

    /// <summary>A log topic is not 32 bytes long.</summary>
    MalformedTopic,
}
