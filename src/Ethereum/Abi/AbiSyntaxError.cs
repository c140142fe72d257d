namespace IdentityEhr.Ethereum.Abi;

/// <summary>Why a type, function or event text is not valid.</summary>
public enum AbiSyntaxError
{
    /// <summary>Nothing is wrong.</summary>
    None,

    /// <summary>The text is empty.</summary>
    Empty,

    /// <summary>The text, or its canonical form, is longer than <see cref="AbiType.MaxLength"/>.</summary>
    TooLong,

    /// <summary>The text does not follow the grammar: a stray or missing character, unbalanced parentheses, or spaces inside a type.</summary>
    Malformed,

    /// <summary>The name is not a type this library knows (including the unsupported <c>fixed</c>, <c>ufixed</c> and <c>function</c>).</summary>
    UnknownType,

    /// <summary>The size of <c>uint</c>, <c>int</c> or <c>bytes</c> is out of range, not a multiple of 8 bits, or written with a leading zero.</summary>
    InvalidSize,

    /// <summary>A fixed array length is zero, written with a leading zero, or not a number.</summary>
    InvalidArrayLength,

    /// <summary>A tuple has no components.</summary>
    EmptyTuple,

    /// <summary>Arrays and tuples nest deeper than <see cref="AbiType.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>The type's head would be larger than <see cref="AbiType.MaxHeadSizeInBytes"/>.</summary>
    TooLarge,

    /// <summary>A function, event or parameter name is not a Solidity identifier.</summary>
    InvalidName,

    /// <summary>Two event parameters have the same name.</summary>
    DuplicateName,

    /// <summary>An event has more indexed parameters than its topics can hold.</summary>
    TooManyIndexed,
}
