using System.Collections.Immutable;
using System.Globalization;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>Reads type text and the human-readable signatures <c>name(type name, …)</c> by recursive descent.</summary>
/// <remarks>Recursion is bounded by <see cref="AbiType.MaxDepth"/> and the text by <see cref="AbiType.MaxLength"/>.</remarks>
internal sealed class AbiTextReader
{
    private readonly string _text;
    private int _position;

    public AbiTextReader(string text) => _text = text;

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    /// <summary>Reads a type that is the whole text.</summary>
    public AbiSyntaxError ReadWholeType(out AbiType? type)
    {
        type = null;
        if (_text.Length > AbiType.MaxLength)
        {
            return AbiSyntaxError.TooLong;
        }

        var error = ReadType(0, out type);
        if (error == AbiSyntaxError.None && !AtEnd)
        {
            error = AbiSyntaxError.Malformed;
        }

        if (error == AbiSyntaxError.None && type!.ToString().Length > AbiType.MaxLength)
        {
            error = AbiSyntaxError.TooLong;
        }

        if (error != AbiSyntaxError.None)
        {
            type = null;
        }

        return error;
    }

    /// <summary>Reads <c>name(parameters)</c> and what follows it (<c>returns (…)</c> or <c>anonymous</c>), allowing spaces between tokens.</summary>
    /// <param name="isEvent">Whether parameters may carry <c>indexed</c> and the signature <c>anonymous</c>.</param>
    /// <param name="name">The function or event name.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="outputs">The <c>returns</c> types of a function (empty when absent).</param>
    /// <param name="isAnonymous">Whether an event is marked <c>anonymous</c>.</param>
    public AbiSyntaxError ReadSignature(
        bool isEvent,
        out string name,
        out ImmutableArray<EventParameter> parameters,
        out ImmutableArray<AbiType> outputs,
        out bool isAnonymous)
    {
        name = string.Empty;
        parameters = [];
        outputs = [];
        isAnonymous = false;
        if (_text.Length == 0)
        {
            return AbiSyntaxError.Empty;
        }

        if (_text.Length > AbiType.MaxLength)
        {
            return AbiSyntaxError.TooLong;
        }

        SkipSpaces();
        name = ReadIdentifier();
        if (!IsIdentifier(name))
        {
            return AbiSyntaxError.InvalidName;
        }

        SkipSpaces();
        var error = ReadParameterList(isEvent, out parameters);
        if (error != AbiSyntaxError.None)
        {
            return error;
        }

        SkipSpaces();
        if (!AtEnd)
        {
            var keyword = ReadIdentifier();
            if (!isEvent && keyword == "returns")
            {
                SkipSpaces();
                error = ReadParameterList(isEvent: false, out var returned);
                if (error != AbiSyntaxError.None)
                {
                    return error;
                }

                outputs = [.. returned.Select(p => p.Type)];
            }
            else if (isEvent && keyword == "anonymous")
            {
                isAnonymous = true;
            }
            else
            {
                return AbiSyntaxError.Malformed;
            }

            SkipSpaces();
        }

        return AtEnd ? AbiSyntaxError.None : AbiSyntaxError.Malformed;
    }

    /// <summary>Whether <paramref name="name"/> is a Solidity identifier: a letter, <c>_</c> or <c>$</c>, then those or digits.</summary>
    public static bool IsIdentifier(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');

    private AbiSyntaxError ReadParameterList(bool isEvent, out ImmutableArray<EventParameter> parameters)
    {
        parameters = [];
        if (!TryConsume('('))
        {
            return AbiSyntaxError.Malformed;
        }

        var list = ImmutableArray.CreateBuilder<EventParameter>();
        SkipSpaces();
        if (TryConsume(')'))
        {
            return AbiSyntaxError.None;
        }

        while (true)
        {
            SkipSpaces();
            var error = ReadType(0, out var type);
            if (error != AbiSyntaxError.None)
            {
                return error;
            }

            var indexed = false;
            var parameterName = string.Empty;
            if (SkipSpaces())
            {
                parameterName = ReadIdentifier();
                if (isEvent && parameterName == "indexed")
                {
                    indexed = true;
                    parameterName = SkipSpaces() ? ReadIdentifier() : string.Empty;
                }

                // After "indexed", another "indexed" is a repeated keyword, not a name.
                if ((parameterName.Length > 0 && !IsIdentifier(parameterName)) || (indexed && parameterName == "indexed"))
                {
                    return AbiSyntaxError.InvalidName;
                }

                SkipSpaces();
            }

            list.Add(new EventParameter(parameterName, type!, indexed));
            if (TryConsume(')'))
            {
                parameters = list.ToImmutable();
                return AbiSyntaxError.None;
            }

            if (!TryConsume(','))
            {
                return AbiSyntaxError.Malformed;
            }
        }
    }

    private AbiSyntaxError ReadType(int depth, out AbiType? type)
    {
        type = null;
        if (depth > AbiType.MaxDepth)
        {
            return AbiSyntaxError.TooDeep;
        }

        var error = AtEnd ? AbiSyntaxError.Malformed
            : Current == '(' ? ReadTuple(depth, out type)
            : ReadElementary(out type);
        while (error == AbiSyntaxError.None && !AtEnd && Current == '[')
        {
            error = ReadArraySuffix(type!, out type);
        }

        if (error != AbiSyntaxError.None)
        {
            type = null;
        }

        return error;
    }

    private AbiSyntaxError ReadTuple(int depth, out AbiType? type)
    {
        type = null;
        _position++; // '('
        if (TryConsume(')'))
        {
            return AbiSyntaxError.EmptyTuple;
        }

        var components = ImmutableArray.CreateBuilder<AbiType>();
        while (true)
        {
            var error = ReadType(depth + 1, out var component);
            if (error != AbiSyntaxError.None)
            {
                return error;
            }

            components.Add(component!);
            if (TryConsume(')'))
            {
                break;
            }

            if (!TryConsume(','))
            {
                return AbiSyntaxError.Malformed;
            }
        }

        var array = components.ToImmutable();
        var limits = AbiType.CheckLimits(array.Max(c => c.Depth) + 1, AbiTupleType.SumOfHeads(array));
        if (limits != AbiSyntaxError.None)
        {
            return limits;
        }

        type = AbiTupleType.CreateChecked(array);
        return AbiSyntaxError.None;
    }

    private AbiSyntaxError ReadArraySuffix(AbiType element, out AbiType? type)
    {
        type = null;
        _position++; // '['
        var start = _position;
        while (!AtEnd && char.IsAsciiDigit(Current))
        {
            _position++;
        }

        var digits = _text.AsSpan(start, _position - start);
        if (!TryConsume(']'))
        {
            return !AtEnd && (char.IsAsciiLetter(Current) || Current is '-' or '+' or '.' or '_')
                ? AbiSyntaxError.InvalidArrayLength
                : AbiSyntaxError.Malformed;
        }

        if (digits.IsEmpty)
        {
            var arrayLimits = AbiType.CheckLimits(element.Depth + 1, AbiType.WordSize);
            type = arrayLimits == AbiSyntaxError.None ? new AbiArrayType(element) : null;
            return arrayLimits;
        }

        if (digits[0] == '0' || digits.Length > 9)
        {
            return digits[0] == '0' ? AbiSyntaxError.InvalidArrayLength : AbiSyntaxError.TooLarge;
        }

        var length = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        var limits = AbiType.CheckLimits(element.Depth + 1, element.HeadSize * length);
        type = limits == AbiSyntaxError.None ? new AbiFixedArrayType(element, length) : null;
        return limits;
    }

    private AbiSyntaxError ReadElementary(out AbiType? type)
    {
        type = null;
        var start = _position;
        while (!AtEnd && char.IsAsciiLetter(Current))
        {
            _position++;
        }

        var letters = _text[start.._position];
        var digitsStart = _position;
        while (!AtEnd && char.IsAsciiDigit(Current))
        {
            _position++;
        }

        var digits = _text.AsSpan(digitsStart, _position - digitsStart);
        if (letters.Length == 0)
        {
            return AbiSyntaxError.Malformed;
        }

        if (!AtEnd && char.IsAsciiLetter(Current))
        {
            return AbiSyntaxError.UnknownType; // fixed128x18, ufixed, or a misspelling
        }

        switch (letters)
        {
            case "address" or "bool" or "string" when !digits.IsEmpty:
                return AbiSyntaxError.UnknownType;
            case "address":
                type = AbiAddressType.Instance;
                return AbiSyntaxError.None;
            case "bool":
                type = AbiBoolType.Instance;
                return AbiSyntaxError.None;
            case "string":
                type = AbiStringType.Instance;
                return AbiSyntaxError.None;
            case "bytes" when digits.IsEmpty:
                type = AbiBytesType.Instance;
                return AbiSyntaxError.None;
            case "bytes":
                if (!TryReadSize(digits, out var length) || length > AbiFixedBytesType.MaxSizeInBytes)
                {
                    return AbiSyntaxError.InvalidSize;
                }

                type = new AbiFixedBytesType(length);
                return AbiSyntaxError.None;
            case "uint" or "int":
                var bits = 256;
                if (!digits.IsEmpty && (!TryReadSize(digits, out bits) || !AbiIntegerType.IsValidWidth(bits)))
                {
                    return AbiSyntaxError.InvalidSize;
                }

                type = bits == 256 && letters == "uint" ? AbiIntegerType.UInt256 : new AbiIntegerType(bits, letters == "int");
                return AbiSyntaxError.None;
            default:
                return AbiSyntaxError.UnknownType;
        }
    }

    /// <summary>Reads a size of at most three digits with no leading zero.</summary>
    private static bool TryReadSize(ReadOnlySpan<char> digits, out int size)
    {
        size = 0;
        if (digits.IsEmpty || digits.Length > 3 || digits[0] == '0')
        {
            return false;
        }

        size = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private string ReadIdentifier()
    {
        var start = _position;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '_' or '$'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    private bool TryConsume(char c)
    {
        if (AtEnd || Current != c)
        {
            return false;
        }

        _position++;
        return true;
    }

    /// <summary>Skips spaces; returns whether there were any.</summary>
    private bool SkipSpaces()
    {
        var start = _position;
        while (!AtEnd && Current == ' ')
        {
            _position++;
        }

        return _position > start;
    }
}
