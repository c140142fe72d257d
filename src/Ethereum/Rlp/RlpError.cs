namespace IdentityEhr.Ethereum.Rlp;

/// <summary>Why RLP input was refused: the closed set of reasons <see cref="RlpCodec.TryDecode"/> and the integer readers report.</summary>
/// <remarks>Ethereum Yellow Paper, Appendix B. Each encoding has exactly one canonical form; every other form is refused.</remarks>
public enum RlpError
{
    /// <summary>The input was accepted.</summary>
    None,

    /// <summary>The input is longer than <see cref="RlpCodec.MaxInputSizeInBytes"/>.</summary>
    InputTooLarge,

    /// <summary>The input ends inside a prefix or a length field (this includes empty input).</summary>
    Truncated,

    /// <summary>A declared length runs past the end of the input, or past the end of the list that holds the item.</summary>
    LengthOverrunsInput,

    /// <summary>A single byte below 0x80 is wrapped as <c>0x81 xx</c>; it must encode as itself.</summary>
    NonCanonicalSingleByte,

    /// <summary>A long-form length (<c>0xb8</c>–<c>0xbf</c>, <c>0xf8</c>–<c>0xff</c>) starts with a zero byte.</summary>
    LengthHasLeadingZeros,

    /// <summary>A long-form length is used for a payload of 55 bytes or fewer, which has a short form.</summary>
    LongFormForShortPayload,

    /// <summary>Bytes follow the top-level item.</summary>
    TrailingBytes,

    /// <summary>Lists nest deeper than <see cref="RlpCodec.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>An integer starts with a zero byte (0 is the empty string, never <c>0x00</c>); integer readers only.</summary>
    IntegerHasLeadingZeros,

    /// <summary>An integer is wider than the reader allows (64 or 256 bits); integer readers only.</summary>
    IntegerTooLarge,
}
