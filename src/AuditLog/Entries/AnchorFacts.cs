using System.Globalization;
using System.Numerics;
using IdentityEhr.AuditLog.Merkle;

namespace IdentityEhr.AuditLog.Entries;

/// <summary>
/// What an anchoring event (<see cref="AuditEventType.AnchorSubmitted"/>, <see cref="AuditEventType.AnchorConfirmed"/>,
/// <see cref="AuditEventType.AnchorReorged"/>) states about one anchor transaction: the entry's <c>anchor</c> member.
/// </summary>
/// <remarks>
/// Only public chain facts: the tree head published, the transaction and where it landed. In the entry every value is a string
/// (decimal numbers without leading zeros, lowercase hex), so the entry stays ASCII and canonical; see specs/audit-entry.md.
/// </remarks>
/// <param name="ChainId">The EIP-155 chain id; written as the CAIP-2 id <c>eip155:&lt;id&gt;</c>.</param>
/// <param name="Contract">The AuditAnchor contract, <c>0x</c> and 40 lowercase hex digits.</param>
/// <param name="TreeSize">The tree size anchored.</param>
/// <param name="Root">The root hash anchored.</param>
/// <param name="Transaction">The transaction hash, <c>0x</c> and 64 lowercase hex digits.</param>
/// <param name="Nonce">The transaction's nonce (submissions).</param>
/// <param name="MaxFeePerGas">The fee cap offered, in wei (submissions; a replacement offers more).</param>
/// <param name="MaxPriorityFeePerGas">The tip offered, in wei (submissions).</param>
/// <param name="Submitter">The sending account, <c>0x</c> and 40 lowercase hex digits (submissions).</param>
/// <param name="Block">The block that included the transaction (confirmations and reorgs).</param>
/// <param name="BlockHash">That block's hash.</param>
/// <param name="LogIndex">The <c>Anchored</c> log's index in the block (confirmations).</param>
/// <param name="Sequence">The contract's sequence number of the anchor (confirmations).</param>
/// <param name="GasUsed">The gas the transaction used (confirmations).</param>
public sealed record AnchorFacts(
    ulong ChainId, string Contract, ulong TreeSize, TreeHash Root, string Transaction,
    ulong? Nonce = null, BigInteger? MaxFeePerGas = null, BigInteger? MaxPriorityFeePerGas = null, string? Submitter = null, ulong? Block = null, string? BlockHash = null, ulong? LogIndex = null,
    ulong? Sequence = null, ulong? GasUsed = null)
{
    private static readonly BigInteger s_uint256Max = BigInteger.Pow(2, 256) - 1;

    /// <summary>The member names inside <c>anchor</c>, in JCS (code unit) order.</summary>
    internal static readonly string[] MemberNames =
        [
            "block", "blockHash", "chain", "contract", "gasUsed", "logIndex", "maxFeePerGas", "maxPriorityFeePerGas", "nonce", "root", "sequence",
            "submitter", "transaction", "treeSize",
        ];

    /// <summary>Gets the CAIP-2 chain id, <c>eip155:&lt;id&gt;</c>.</summary>
    public string Chain => "eip155:" + ChainId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Returns the members as the entry writes them, in JCS order, absent ones left out.</summary>
    /// <returns>Name and string value pairs.</returns>
    internal IEnumerable<(string Name, string Value)> Members()
    {
        if (Block is { } block)
        {
            yield return ("block", Decimal(block));
        }

        if (BlockHash is { } blockHash)
        {
            yield return ("blockHash", blockHash);
        }

        yield return ("chain", Chain);
        yield return ("contract", Contract);
        if (GasUsed is { } gas)
        {
            yield return ("gasUsed", Decimal(gas));
        }

        if (LogIndex is { } logIndex)
        {
            yield return ("logIndex", Decimal(logIndex));
        }

        if (MaxFeePerGas is { } fee)
        {
            yield return ("maxFeePerGas", fee.ToString(CultureInfo.InvariantCulture));
        }

        if (MaxPriorityFeePerGas is { } tip)
        {
            yield return ("maxPriorityFeePerGas", tip.ToString(CultureInfo.InvariantCulture));
        }

        if (Nonce is { } nonce)
        {
            yield return ("nonce", Decimal(nonce));
        }

        yield return ("root", Root.ToHex());
        if (Sequence is { } sequence)
        {
            yield return ("sequence", Decimal(sequence));
        }

        if (Submitter is { } submitter)
        {
            yield return ("submitter", submitter);
        }

        yield return ("transaction", Transaction);
        yield return ("treeSize", Decimal(TreeSize));
    }

    /// <summary>Checks the values the types do not constrain.</summary>
    /// <returns>The first invalid member's name, or <see langword="null"/>.</returns>
    internal string? Invalid() =>
        ChainId == 0 ? "anchor.chain"
        : TreeSize == 0 ? "anchor.treeSize"
        : !IsHex(Contract, 40) ? "anchor.contract"
        : !IsHex(Transaction, 64) ? "anchor.transaction"
        : BlockHash is { } hash && !IsHex(hash, 64) ? "anchor.blockHash"
        : Submitter is { } submitter && !IsHex(submitter, 40) ? "anchor.submitter"
        : MaxFeePerGas is { } fee && (fee.Sign < 0 || fee > s_uint256Max) ? "anchor.maxFeePerGas"
        : MaxPriorityFeePerGas is { } tip && (tip.Sign < 0 || tip > s_uint256Max) ? "anchor.maxPriorityFeePerGas"
        : null;

    /// <summary>Reads the members of an entry's <c>anchor</c> object.</summary>
    /// <param name="values">The string values by name (absent ones missing).</param>
    /// <returns>The facts, or <see langword="null"/> when a value does not read.</returns>
    internal static AnchorFacts? Read(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue("chain", out var chain) || !chain.StartsWith("eip155:", StringComparison.Ordinal)
            || !TryDecimal(chain["eip155:".Length..], out var chainId)
            || !values.TryGetValue("contract", out var contract) || !values.TryGetValue("transaction", out var transaction)
            || !values.TryGetValue("treeSize", out var sizeText) || !TryDecimal(sizeText, out var treeSize)
            || !values.TryGetValue("root", out var rootText) || !TreeHash.TryParseHex(rootText, out var root))
        {
            return null;
        }

        ulong? Optional(string name, out bool bad)
        {
            bad = false;
            if (!values.TryGetValue(name, out var text))
            {
                return null;
            }

            bad = !TryDecimal(text, out var value);
            return value;
        }

        var nonce = Optional("nonce", out var badNonce);
        var block = Optional("block", out var badBlock);
        var logIndex = Optional("logIndex", out var badLog);
        var sequence = Optional("sequence", out var badSequence);
        var gasUsed = Optional("gasUsed", out var badGas);
        var maxFee = Wei("maxFeePerGas", out var badFee);
        var maxTip = Wei("maxPriorityFeePerGas", out var badTip);
        return badNonce || badBlock || badLog || badSequence || badGas || badFee || badTip
            ? null
            : new AnchorFacts(
                chainId, contract, treeSize, root, transaction, nonce, maxFee, maxTip, values.GetValueOrDefault("submitter"), block,
                values.GetValueOrDefault("blockHash"), logIndex, sequence, gasUsed);

        BigInteger? Wei(string name, out bool bad)
        {
            bad = false;
            if (!values.TryGetValue(name, out var text))
            {
                return null;
            }

            // Up to 78 digits; Invalid() then holds it to a uint256, as fees are on chain.
            bad = text.Length is 0 or > 78 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0');
            return bad ? null : BigInteger.Parse(text, CultureInfo.InvariantCulture);
        }
    }

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    // Canonical decimal only: a leading zero would let two texts mean one number.
    private static bool TryDecimal(string text, out ulong value)
    {
        value = 0;
        return text.Length is > 0 and <= 20 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsHex(string text, int digits) => Internal.LowerHex.IsPrefixed(text, digits);
}
