using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using IdentityEhr.Ethereum.Internal;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>Reads the data of a reverted call: Solidity's <c>Error(string)</c> and <c>Panic(uint256)</c>, or anything else as hex.</summary>
/// <remarks>Solidity documentation, "Error handling: Assert, Require, Revert and Exceptions" (panic codes) and
/// "Contract ABI Specification", "Errors".</remarks>
public static class RevertReason
{
    /// <summary>The longest message, in characters, that <see cref="Describe"/> repeats before cutting it short.</summary>
    public const int MaxDescribedMessageLength = 256;

    /// <summary>The most leading bytes of unrecognised data that <see cref="Describe"/> shows.</summary>
    public const int MaxDescribedBytes = 36;

    private static readonly IReadOnlyList<AbiType> s_errorTypes = [AbiStringType.Instance];
    private static readonly IReadOnlyList<AbiType> s_panicTypes = [AbiIntegerType.UInt256];

    /// <summary>Gets the selector of <c>Error(string)</c>, 0x08c379a0.</summary>
    public static ReadOnlySpan<byte> ErrorSelector => [0x08, 0xc3, 0x79, 0xa0];

    /// <summary>Gets the selector of <c>Panic(uint256)</c>, 0x4e487b71.</summary>
    public static ReadOnlySpan<byte> PanicSelector => [0x4e, 0x48, 0x7b, 0x71];

    /// <summary>Tries to read revert data as <c>Error(string)</c>, what <c>require(condition, "message")</c> and <c>revert("message")</c> produce.</summary>
    /// <param name="revertData">The revert data.</param>
    /// <param name="message">The message when the data is a well-formed <c>Error(string)</c>.</param>
    /// <returns><see langword="true"/> when the data is a strictly encoded <c>Error(string)</c>; otherwise <see langword="false"/>.</returns>
    public static bool TryDecodeError(ReadOnlySpan<byte> revertData, [NotNullWhen(true)] out string? message)
    {
        message = null;
        if (!revertData.StartsWith(ErrorSelector)
            || !AbiCodec.TryDecode(s_errorTypes, revertData[FunctionSignature.SelectorSizeInBytes..], out var values, out _))
        {
            return false;
        }

        message = ((AbiString)values[0]).Value;
        return true;
    }

    /// <summary>Tries to read revert data as <c>Panic(uint256)</c>, what failed assertions and checked arithmetic produce.</summary>
    /// <param name="revertData">The revert data.</param>
    /// <param name="code">The panic code when the data is a well-formed <c>Panic(uint256)</c>.</param>
    /// <returns><see langword="true"/> when the data is a strictly encoded <c>Panic(uint256)</c>; otherwise <see langword="false"/>.</returns>
    public static bool TryDecodePanic(ReadOnlySpan<byte> revertData, out BigInteger code)
    {
        code = BigInteger.Zero;
        if (!revertData.StartsWith(PanicSelector)
            || !AbiCodec.TryDecode(s_panicTypes, revertData[FunctionSignature.SelectorSizeInBytes..], out var values, out _))
        {
            return false;
        }

        code = ((AbiInteger)values[0]).Value;
        return true;
    }

    /// <summary>Describes revert data in one line for logs and error messages.</summary>
    /// <remarks>
    /// <c>Error("…")</c> with the message JSON-quoted (so control and non-ASCII characters are escaped) and cut at
    /// <see cref="MaxDescribedMessageLength"/> characters; <c>Panic(0x11): …</c> with the meaning of the code; otherwise the
    /// first <see cref="MaxDescribedBytes"/> bytes in hex (a custom error's selector comes first) and the total length.
    /// </remarks>
    /// <param name="revertData">The revert data, possibly empty.</param>
    /// <returns>The description.</returns>
    public static string Describe(ReadOnlySpan<byte> revertData)
    {
        if (revertData.IsEmpty)
        {
            return "reverted without data";
        }

        if (TryDecodeError(revertData, out var message))
        {
            return message.Length > MaxDescribedMessageLength
                ? "Error(" + JsonSerializer.Serialize(message[..MaxDescribedMessageLength]) + "…)"
                : "Error(" + JsonSerializer.Serialize(message) + ")";
        }

        if (TryDecodePanic(revertData, out var code))
        {
            return "Panic(0x" + code.ToString("x2", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(2, '0') + "): " + PanicMeaning(code);
        }

        var prefix = Hex.Encode(revertData[..Math.Min(revertData.Length, MaxDescribedBytes)]);
        return "unrecognised revert data " + prefix + (revertData.Length > MaxDescribedBytes ? "…" : string.Empty)
            + " (" + revertData.Length.ToString(CultureInfo.InvariantCulture) + " bytes)";
    }

    private static string PanicMeaning(BigInteger code) => (int)BigInteger.Min(code, int.MaxValue) switch
    {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "conversion to an enum out of range",
        0x22 => "incorrectly encoded storage byte array",
        0x31 => "pop on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "too much memory allocated",
        0x51 => "call to a zero-initialised internal function",
        _ => "unknown panic code",
    };
}
