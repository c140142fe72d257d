using System.Diagnostics.CodeAnalysis;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A Solidity ABI type: an elementary type, an array, or a tuple.</summary>
/// <remarks>
/// Solidity "Contract ABI Specification", section "Types". Two types are equal when their canonical forms are equal.
/// Zero-sized types (<c>()</c> and <c>T[0]</c>) are refused: the compiler cannot declare them, and they would let one length
/// word stand for any number of elements.
/// </remarks>
public abstract class AbiType : IEquatable<AbiType>
{
    /// <summary>The longest type text, and the longest canonical form, that <see cref="TryParse"/> accepts.</summary>
    public const int MaxLength = 4096;

    /// <summary>The deepest nesting of arrays and tuples a type may have.</summary>
    public const int MaxDepth = 32;

    /// <summary>The largest head a type may need: its whole encoding when static, or the heads of a fixed-length array or tuple.</summary>
    /// <remarks>Equal to the largest JSON-RPC response the client reads, so no accepted type needs more than a node can send.</remarks>
    public const int MaxHeadSizeInBytes = 16 * 1024 * 1024;

    /// <summary>The size of one ABI word in bytes.</summary>
    internal const int WordSize = 32;

    private readonly string _canonical;

    private protected AbiType(string canonical, bool isDynamic, long headSize, int depth)
    {
        _canonical = canonical;
        IsDynamic = isDynamic;
        HeadSize = headSize;
        Depth = depth;
    }

    /// <summary>Gets a value indicating whether the type is dynamic: <c>bytes</c>, <c>string</c>, <c>T[]</c>, or an array or tuple with a dynamic part.</summary>
    public bool IsDynamic { get; }

    /// <summary>Gets the bytes the type takes in the head of its enclosing tuple: 32 for a dynamic type (its offset), else its whole encoding.</summary>
    internal long HeadSize { get; }

    /// <summary>Gets the nesting depth: 0 for elementary types, one more than the deepest part for arrays and tuples.</summary>
    internal int Depth { get; }

    /// <summary>Parses a type written in canonical or alias form, such as <c>uint</c>, <c>bytes32[2]</c> or <c>(address,string)[]</c>.</summary>
    /// <param name="text">The type text.</param>
    /// <returns>The type.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a type.</exception>
    public static AbiType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var type, out var error) ? type : throw new FormatException($"Not an ABI type: {error}.");
    }

    /// <summary>Tries to parse a type: <c>uint&lt;M&gt;</c>, <c>int&lt;M&gt;</c> (M = 8…256 in steps of 8; <c>uint</c> and <c>int</c> mean 256),
    /// <c>address</c>, <c>bool</c>, <c>bytes&lt;M&gt;</c> (M = 1…32), <c>bytes</c>, <c>string</c>, <c>T[]</c>, <c>T[k]</c> and <c>(T1,…,Tn)</c>, with no spaces.</summary>
    /// <remarks>Solidity "Contract ABI Specification", "Types". <c>fixed</c>, <c>ufixed</c> and <c>function</c> are not supported.</remarks>
    /// <param name="text">The type text.</param>
    /// <param name="type">The type when parsing succeeds.</param>
    /// <param name="error">Why parsing failed, or <see cref="AbiSyntaxError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a type; otherwise <see langword="false"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out AbiType? type, out AbiSyntaxError error)
    {
        type = null;
        if (string.IsNullOrEmpty(text))
        {
            error = AbiSyntaxError.Empty;
            return false;
        }

        var reader = new AbiTextReader(text);
        error = reader.ReadWholeType(out type);
        return error == AbiSyntaxError.None;
    }

    /// <inheritdoc/>
    public bool Equals(AbiType? other) => other is not null && string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AbiType);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    /// <summary>Returns the canonical form used in signatures: <c>uint256</c> rather than <c>uint</c>, and no spaces.</summary>
    /// <returns>The canonical type text.</returns>
    public override string ToString() => _canonical;

    /// <summary>Checks the limits of a composite type: its depth and its head size.</summary>
    internal static AbiSyntaxError CheckLimits(int depth, long headSize) =>
        depth > MaxDepth ? AbiSyntaxError.TooDeep
        : headSize > MaxHeadSizeInBytes ? AbiSyntaxError.TooLarge
        : AbiSyntaxError.None;

    /// <summary>Throws the argument exception that matches a limit check for a constructor.</summary>
    internal static void ThrowIfOverLimits(int depth, long headSize, string paramName)
    {
        switch (CheckLimits(depth, headSize))
        {
            case AbiSyntaxError.TooDeep:
                throw new ArgumentException($"An ABI type nests at most {MaxDepth} arrays and tuples.", paramName);
            case AbiSyntaxError.TooLarge:
                throw new ArgumentOutOfRangeException(paramName, $"An ABI type's head is at most {MaxHeadSizeInBytes} bytes.");
            default:
                return;
        }
    }
}
