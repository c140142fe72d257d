using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using IdentityEhr.Ethereum.Crypto;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A contract function: its canonical signature, 4-byte selector, argument types and result types.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Function Selector" and "Argument Encoding": calldata is the selector,
/// the first four bytes of Keccak-256 of the canonical signature, followed by the encoded arguments.</remarks>
public sealed class FunctionSignature
{
    /// <summary>The size of a function selector in bytes.</summary>
    public const int SelectorSizeInBytes = 4;

    private readonly byte[] _selector;

    private FunctionSignature(string name, ImmutableArray<AbiType> inputs, ImmutableArray<AbiType> outputs)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Signature = name + "(" + string.Join(',', inputs) + ")";
        _selector = Keccak256.HashData(Encoding.ASCII.GetBytes(Signature))[..SelectorSizeInBytes];
    }

    /// <summary>Gets the function name.</summary>
    public string Name { get; }

    /// <summary>Gets the argument types.</summary>
    public IReadOnlyList<AbiType> Inputs { get; }

    /// <summary>Gets the result types (empty when the function returns nothing or they were not given).</summary>
    public IReadOnlyList<AbiType> Outputs { get; }

    /// <summary>Gets the canonical signature, such as <c>anchor(bytes32,uint64)</c>: the name and the canonical argument types, no spaces.</summary>
    public string Signature { get; }

    /// <summary>Gets the selector: the first four bytes of Keccak-256 of <see cref="Signature"/>.</summary>
    public ReadOnlySpan<byte> Selector => _selector;

    /// <summary>Creates a function signature from its parts.</summary>
    /// <param name="name">The function name, a Solidity identifier.</param>
    /// <param name="inputs">The argument types.</param>
    /// <param name="outputs">The result types, or <see langword="null"/> for none.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/>, <paramref name="inputs"/> or one of the types is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not an identifier.</exception>
    public static FunctionSignature Create(string name, IReadOnlyList<AbiType> inputs, IReadOnlyList<AbiType>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!AbiTextReader.IsIdentifier(name))
        {
            throw new ArgumentException("A function name is a Solidity identifier.", nameof(name));
        }

        if (inputs.Any(t => t is null))
        {
            throw new ArgumentNullException(nameof(inputs), "An argument type is null.");
        }

        if (outputs is not null && outputs.Any(t => t is null))
        {
            throw new ArgumentNullException(nameof(outputs), "A result type is null.");
        }

        return new FunctionSignature(name, [.. inputs], outputs is null ? [] : [.. outputs]);
    }

    /// <summary>Parses a function such as <c>anchor(bytes32,uint64)</c> or <c>identityOwner(address identity) returns (address)</c>.</summary>
    /// <param name="text">The function text.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a function signature.</exception>
    public static FunctionSignature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var signature, out var error) ? signature : throw new FormatException($"Not a function signature: {error}.");
    }

    /// <summary>Tries to parse a function: a name, then parameter types in parentheses, optionally with parameter names, optionally
    /// followed by <c>returns (…)</c>. Types may use aliases (<c>uint</c>); spaces are allowed between tokens but not inside a type.</summary>
    /// <param name="text">The function text.</param>
    /// <param name="signature">The signature when parsing succeeds.</param>
    /// <param name="error">Why parsing failed, or <see cref="AbiSyntaxError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a function signature; otherwise <see langword="false"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out FunctionSignature? signature, out AbiSyntaxError error)
    {
        signature = null;
        error = new AbiTextReader(text ?? string.Empty).ReadSignature(isEvent: false, out var name, out var parameters, out var outputs, out _);
        if (error != AbiSyntaxError.None)
        {
            return false;
        }

        signature = new FunctionSignature(name, [.. parameters.Select(p => p.Type)], outputs);
        return true;
    }

    /// <summary>Encodes a call: the selector followed by the encoded arguments.</summary>
    /// <param name="arguments">One value per argument type.</param>
    /// <returns>The calldata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="arguments"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The count differs from <see cref="Inputs"/>, or a value does not fit its type.</exception>
    public byte[] EncodeCall(params IReadOnlyList<AbiValue> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return [.. _selector, .. AbiCodec.EncodeValues(Inputs, arguments, nameof(arguments))];
    }

    /// <summary>Tries to decode the data a call returned (from <c>eth_call</c>) as <see cref="Outputs"/>, strictly.</summary>
    /// <param name="data">The returned data.</param>
    /// <param name="values">The results when decoding succeeds.</param>
    /// <param name="error">Why decoding failed, or <see cref="AbiError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="data"/> is an encoding of <see cref="Outputs"/>; otherwise <see langword="false"/>.</returns>
    public bool TryDecodeResult(ReadOnlySpan<byte> data, [NotNullWhen(true)] out IReadOnlyList<AbiValue>? values, out AbiError error) =>
        AbiCodec.TryDecode(Outputs, data, out values, out error);

    /// <summary>Returns the canonical signature.</summary>
    /// <returns><see cref="Signature"/>.</returns>
    public override string ToString() => Signature;
}
